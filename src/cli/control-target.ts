import { existsSync, readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { controlTargetOf, ControlClientError } from '../control-client/index.ts';
import type { ControlClient, ControlResponse, ControlTarget } from '../control-client/index.ts';
import { loadConfig4File } from '../config/index.ts';
import type { Config4 } from '../model/index.ts';
import type { CliIo } from './cli-io.ts';
import { UsageError } from './cli-io.ts';

/** The config used when no target is given. */
export const DEFAULT_CONFIG = '/etc/tandem/tandem.json';

/** Options every command that talks to a running server takes. */
export const TARGET_OPTIONS = {
  config: { type: 'string', short: 'c' },
  socket: { type: 'string' },
  url: { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

export type TargetValues = {
  config?: string | undefined; socket?: string | undefined; url?: string | undefined; user?: string | undefined;
  'password-file'?: string | undefined; ca?: string | undefined; cert?: string | undefined; key?: string | undefined;
  timeout?: string | undefined;
};

/** The server to talk to, and the config it came from (for the journal fallback), if any. */
export type Resolved = { readonly target: ControlTarget; readonly config: Config4 | null; readonly timeoutMs: number };

/**
 * --socket PATH, or --url URL (with --user/--password-file, --ca/--cert/--key), or --config FILE
 * (default /etc/tandem/tandem.json): its first Unix control socket, else its first HTTP(S) one.
 */
export async function resolveTarget(v: TargetValues): Promise<Resolved> {
  const timeoutMs = v.timeout === undefined ? 30_000 : Number(v.timeout) * 1000;
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout: expected seconds > 0, got '${v.timeout}'`);
  const given = [v.socket, v.url].filter((x) => x !== undefined).length;
  if (given > 1) throw new UsageError('give only one of --socket and --url');
  if (v.user !== undefined && v.url === undefined) throw new UsageError('--user goes with --url');
  if (v.socket !== undefined) return { target: { socket: v.socket }, config: null, timeoutMs };
  if (v.url !== undefined) {
    const t: { url: string; user?: string; password?: string; ca?: string; cert?: string; key?: string } = { url: v.url };
    if (v.user !== undefined) t.user = v.user;
    if (v['password-file'] !== undefined) t.password = readSecret(v['password-file']);
    if (v.ca !== undefined) t.ca = v.ca;
    if (v.cert !== undefined) t.cert = v.cert;
    if (v.key !== undefined) t.key = v.key;
    return { target: t, config: null, timeoutMs };
  }
  const path = v.config ?? DEFAULT_CONFIG;
  if (v.config === undefined && !existsSync(path)) {
    throw new UsageError(`no server given: use --config FILE, --socket PATH or --url URL (${DEFAULT_CONFIG} does not exist)`);
  }
  const config = await loadConfig4File(path);
  return { target: controlTargetOf(config), config, timeoutMs };
}

function readSecret(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new UsageError(`--password-file: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** A call that turns "no answer at all" into an exit code 1 with a clear message. */
export class CommandFailed extends Error {
  readonly code = 'ERR_CLI_COMMAND_FAILED';
  readonly exitCode: number;
  /** The client error's code when the server gave no answer at all (e.g. ERR_CONTROL_CLIENT_CONNECT). */
  readonly clientCode: string | null;
  constructor(message: string, exitCode = 1, clientCode: string | null = null) {
    super(message);
    this.exitCode = exitCode;
    this.clientCode = clientCode;
  }
}

/** Calls `command` and returns the response; connection problems become CommandFailed. */
export async function call(client: ControlClient, command: string, args?: object): Promise<ControlResponse> {
  try {
    return await client.call(command, args);
  } catch (e) {
    if (e instanceof ControlClientError) throw new CommandFailed(e.message, 1, e.code);
    throw e;
  }
}

/** As `call`, but anything other than success (or `allowEmpty` result 3) is a CommandFailed. */
export async function callOk(client: ControlClient, command: string, args?: object, allowEmpty = false): Promise<ControlResponse> {
  const r = await call(client, command, args);
  if (r.result === 0 || (allowEmpty && r.result === 3)) return r;
  throw new CommandFailed(`${command}: ${r.text}`, r.result === 3 ? 3 : 1);
}

export type { CliIo };
