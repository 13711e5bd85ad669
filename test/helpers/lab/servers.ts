// The DHCP server under test: tandem (default) or Kea, chosen by TANDEM_E2E_SERVER.
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import type { KeaLease4Json } from '../../../src/model/index.ts';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError, run } from './netns.ts';
import type { Lab, LabProcess, Ns } from './netns.ts';

export type ServerKind = 'tandem' | 'kea';

/** A lease as either server's lease4-get-all lists it (Kea's shape; the fqdn flags are not compared). */
export type KeaLease = Omit<KeaLease4Json, 'fqdn-fwd' | 'fqdn-rev'>;

export interface ServerHandle {
  readonly kind: ServerKind;
  readonly configPath: string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  start(): Promise<void>;
  leases(): Promise<KeaLease[]>;
  output(): string;
}

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const TANDEM_BIN = join(REPO_ROOT, 'bin/tandem');

export function serverKind(): ServerKind {
  const v = process.env['TANDEM_E2E_SERVER'] ?? 'tandem';
  if (v === 'tandem' || v === 'kea') return v;
  throw new LabError('ERR_LAB_SERVER_KIND', `TANDEM_E2E_SERVER must be tandem or kea, not ${v}`);
}

/** Why the chosen server cannot run here, or null. */
export function serverSkipReason(kind: ServerKind = serverKind()): string | null {
  if (kind === 'tandem') return existsSync(TANDEM_BIN) ? null : `${TANDEM_BIN} does not exist yet`;
  try {
    readFileSync('/usr/sbin/kea-dhcp4');
    return null;
  } catch {
    return 'kea-dhcp4 is not installed';
  }
}

const READY = /DHCP4_STARTED/;
const START_TIMEOUT_MS = 20_000;

export async function startServer(lab: Lab, ns: Ns, dhcp4: object, o: { kind?: ServerKind } = {}): Promise<ServerHandle> {
  const kind = o.kind ?? serverKind();
  const dir = lab.tmpdir();
  const tag = `${ns.name}-${Math.random().toString(36).slice(2, 7)}`;
  const leaseFile = join(dir, `leases-${tag}.${kind === 'kea' ? 'csv' : 'jsonl'}`);
  const configPath = join(dir, `server-${tag}.json`);
  const cfg: Record<string, unknown> = {
    ...(dhcp4 as Record<string, unknown>),
    'lease-database': { type: 'memfile', name: leaseFile, persist: true, ...(kind === 'kea' ? { 'lfc-interval': 0 } : {}) },
  };
  if (kind === 'kea') {
    cfg['loggers'] = [{ name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'INFO' }];
  }
  writeFileSync(configPath, JSON.stringify({ Dhcp4: cfg }, null, 2));

  const argv =
    kind === 'kea'
      ? ['kea-dhcp4', '-c', configPath]
      : [TANDEM_BIN, 'serve', '--config', configPath, '--log-format', 'json'];
  const env = kind === 'kea' ? { KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir, KEA_LOGGER_DESTINATION: 'stdout' } : {};

  let proc: LabProcess | null = null;
  let previous = '';

  const start = async (): Promise<void> => {
    if (proc) previous += proc.output();
    proc = lab.spawn(ns, argv, { env });
    try {
      await proc.waitFor(READY, START_TIMEOUT_MS);
    } catch (e) {
      await proc.kill('SIGKILL');
      throw new LabError('ERR_LAB_SERVER_START', `${kind} did not start: ${(e as Error).message}`, { cause: e });
    }
  };
  const stop = async (): Promise<void> => {
    if (!proc) return;
    await proc.kill('SIGTERM');
  };
  const kill9 = async (): Promise<void> => {
    if (!proc) return;
    await proc.kill('SIGKILL');
  };
  const leases = async (): Promise<KeaLease[]> => {
    if (kind === 'kea') return existsSync(leaseFile) ? parseKeaCsv(readFileSync(leaseFile, 'utf8')) : [];
    const r = await run([TANDEM_BIN, 'leases', '--config', configPath, '--json'], { timeoutMs: 15_000 });
    if (r.code !== 0) throw new LabError('ERR_LAB_LEASES', `tandem leases failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as KeaLease[];
  };

  await start();
  return {
    kind,
    configPath,
    start,
    stop,
    kill9,
    leases,
    output: () => previous + (proc ? proc.output() : ''),
  };
}

function unescapeKea(s: string): string {
  return s.replace(/&#x2c/g, ',');
}

/**
 * Kea memfile CSV (lease4): header line, one row per change; the last row for an address wins.
 * A row with valid_lifetime 0 (a deleted lease) or state 2 (expired-reclaimed) means the lease is gone.
 */
export function parseKeaCsv(text: string): KeaLease[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift()?.split(',') ?? [];
  const col = (name: string): number => header.indexOf(name);
  const byAddr = new Map<string, KeaLease | null>();
  for (const line of lines) {
    const f = line.split(',');
    const get = (name: string): string => unescapeKea(f[col(name)] ?? '');
    const valid = Number(get('valid_lifetime'));
    const expire = Number(get('expire'));
    const state = Number(get('state') || '0');
    const addr = get('address');
    byAddr.delete(addr); // keep insertion order = last change
    if (valid === 0 || state === 2) {
      byAddr.set(addr, null);
      continue;
    }
    const lease: KeaLease = {
      'ip-address': addr,
      'hw-address': get('hwaddr'),
      'valid-lft': valid,
      cltt: expire - valid,
      'subnet-id': Number(get('subnet_id')),
      hostname: get('hostname'),
      state,
    };
    const cid = get('client_id');
    if (cid) lease['client-id'] = cid;
    byAddr.set(addr, lease);
  }
  return [...byAddr.values()].filter((l): l is KeaLease => l !== null);
}
