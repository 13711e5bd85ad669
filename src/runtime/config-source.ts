import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Config4 } from '../model/index.ts';
import { checkConfig4File, formatConfigIssue, parseConfig4 } from '../config/index.ts';
import type { ConfigIssue } from '../config/index.ts';
import type { Logger } from '../obs/index.ts';

export type LoadedConfig = { readonly config: Config4; readonly json: unknown };
export type ConfigAttempt = { readonly loaded: LoadedConfig | null; readonly issues: readonly ConfigIssue[] };

/** Reads and validates the config file; warnings and errors are logged with their JSON paths. */
export async function readConfigFile(path: string, log: Logger): Promise<ConfigAttempt> {
  const { config, issues, json } = await checkConfig4File(path);
  logIssues(issues, log);
  return { loaded: config === null ? null : { config, json }, issues };
}

/** Validates a config given as JSON (config-set, config-test, reservation edits). */
export function parseConfigJson(value: unknown, configPath: string): ConfigAttempt {
  const { config, issues, json } = parseConfig4(JSON.stringify(value), {
    source: 'config-set', baseDir: dirname(resolve(configPath)), readFile: (p) => readFileSync(p, 'utf8'),
  });
  return { loaded: config === null ? null : { config, json }, issues };
}

export function logIssues(issues: readonly ConfigIssue[], log: Logger): void {
  for (const issue of issues) {
    log.log(issue.severity === 'error' ? 'DHCP4_CONFIG_RELOAD_FAIL' : 'DHCP4_CONFIG_WARNING', {}, formatConfigIssue(issue));
  }
}

/** config-write: the JSON in force, written to a temp file and renamed over `path`. */
export async function writeConfigJson(json: unknown, path: string): Promise<{ path: string; size: number }> {
  const text = JSON.stringify(json, null, 2) + '\n';
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o640 });
  await rename(tmp, path);
  return { path, size: Buffer.byteLength(text) };
}
