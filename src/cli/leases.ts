import { parseArgs } from 'node:util';
import { leaseToKeaJson } from '../model/index.ts';
import type { KeaLease4Json } from '../model/index.ts';
import { readStoredLeases4 } from '../store/index.ts';
import type { CliIo } from './cli-io.ts';
import { UsageError } from './cli-io.ts';
import { CommandFailed, resolveTarget, TARGET_OPTIONS } from './control-target.ts';
import { fetchAllLeases, LEASE_HEADER, leaseRow, STATE_NAMES } from './fetch-leases.ts';
import { formatTable, plural } from './table.ts';

/**
 * `tandem leases [--subnet N] [--mac M] [--hostname H] [--state S] [--json]`: the leases of the
 * running server (lease4-get-page). When it cannot be reached and a config was given, the leases
 * stored in its journal are shown instead, with a note on stderr.
 */
export async function runLeases(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...TARGET_OPTIONS,
      subnet: { type: 'string' }, mac: { type: 'string' }, hostname: { type: 'string' }, state: { type: 'string' },
    },
  });
  const keep = leaseFilter(values);
  const { target, config, timeoutMs } = await resolveTarget(values);
  const client = io.connect(target, timeoutMs);
  let leases: KeaLease4Json[];
  try {
    leases = await fetchAllLeases(client, io);
  } catch (e) {
    if (!(e instanceof CommandFailed) || config === null || e.clientCode !== 'ERR_CONTROL_CLIENT_CONNECT') throw e;
    io.err(`tandem: ${e.message}; showing the leases stored in ${config.leaseDatabase.name} instead\n`);
    leases = readStoredLeases4(config.leaseDatabase).map(leaseToKeaJson);
  }
  leases = leases.filter(keep);
  if (values.json) {
    io.out(JSON.stringify(leases, null, 2) + '\n');
    return 0;
  }
  io.out(formatTable(LEASE_HEADER, leases.map(leaseRow)));
  io.out(`${plural(leases.length, 'lease')}\n`);
  return 0;
}

/** The filter the options describe; MACs compare case-insensitively, hostnames may use `*`. */
export function leaseFilter(v: { subnet?: string | undefined; mac?: string | undefined; hostname?: string | undefined; state?: string | undefined }): (l: KeaLease4Json) => boolean {
  const subnet = v.subnet === undefined ? undefined : Number(v.subnet);
  if (subnet !== undefined && !Number.isInteger(subnet)) throw new UsageError(`--subnet: expected a subnet id, got '${v.subnet}'`);
  const mac = v.mac?.toLowerCase().replace(/-/g, ':');
  let state: number | undefined;
  if (v.state !== undefined) {
    state = /^\d$/.test(v.state) ? Number(v.state) : STATE_NAMES.indexOf(v.state);
    if (state < 0 || state >= STATE_NAMES.length) throw new UsageError(`--state: expected one of ${STATE_NAMES.join(', ')}`);
  }
  const host = v.hostname === undefined ? undefined
    : new RegExp(`^${v.hostname.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return (l) => (subnet === undefined || l['subnet-id'] === subnet)
    && (mac === undefined || l['hw-address'].toLowerCase() === mac)
    && (host === undefined || host.test(l.hostname))
    && (state === undefined || l.state === state);
}
