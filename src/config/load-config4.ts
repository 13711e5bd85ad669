import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Config4 } from '../model/index.ts';
import { ConfigError } from './config-issue.ts';
import { parseConfig4 } from './parse-config4.ts';
import type { ParseConfig4Result } from './parse-config4.ts';

/**
 * Reads a kea-dhcp4.conf-style file (and its includes) and checks it, returning every issue.
 * An unreadable main file is reported as an issue, not thrown.
 */
export async function checkConfig4File(path: string, opts: { dataDir?: string } = {}): Promise<ParseConfig4Result> {
  const full = resolve(path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { config: null, issues: [{ path: '', severity: 'error', message: `cannot read the file: ${why}`, source: path }] };
  }
  return parseConfig4(text, {
    source: path,
    baseDir: dirname(full),
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
    readInclude: (p) => readFileSync(p, 'utf8'),
    readFile: (p) => readFileSync(p, 'utf8'),
  });
}

/** Like checkConfig4File, but throws ConfigError (with all issues) unless the file is valid. */
export async function loadConfig4File(path: string, opts: { dataDir?: string } = {}): Promise<Config4> {
  const { config, issues } = await checkConfig4File(path, opts);
  if (config === null) throw new ConfigError(issues);
  return config;
}

