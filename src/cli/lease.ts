import { parseArgs } from 'node:util';
import type { KeaLease4Json } from '../model/index.ts';
import type { CliIo } from './cli-io.ts';
import { UsageError } from './cli-io.ts';
import { call, CommandFailed, resolveTarget, TARGET_OPTIONS } from './control-target.ts';
import { LEASE_HEADER, leaseRow } from './fetch-leases.ts';

const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name}: expected a non-negative integer, got '${v}'`);
  return Number(v);
};

/**
 * `tandem lease show ADDR`, `tandem lease add ADDR --mac M [--client-id C] [--subnet N] [--hostname H]
 * [--valid-lft S]`, `tandem lease del ADDR`: lease4-get / lease4-add / lease4-del. Exit 3 when the
 * lease does not exist.
 */
export async function runLease(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...TARGET_OPTIONS,
      mac: { type: 'string' }, 'client-id': { type: 'string' }, subnet: { type: 'string' },
      hostname: { type: 'string' }, 'valid-lft': { type: 'string' },
    },
    allowPositionals: true,
  });
  const [action, address, ...extra] = positionals;
  if (action !== 'show' && action !== 'add' && action !== 'del') throw new UsageError("'tandem lease' needs show, add or del");
  if (address === undefined || extra.length > 0) throw new UsageError(`'tandem lease ${action}' needs exactly one ADDRESS`);
  if (action !== 'add' && (values.mac ?? values['client-id'] ?? values.subnet ?? values.hostname ?? values['valid-lft']) !== undefined) {
    throw new UsageError(`'tandem lease ${action}' takes only the ADDRESS`);
  }
  let args: Record<string, unknown> = { 'ip-address': address };
  if (action === 'add') {
    if (values.mac === undefined) throw new UsageError("'tandem lease add' needs --mac");
    args = { ...args, 'hw-address': values.mac };
    if (values['client-id'] !== undefined) args['client-id'] = values['client-id'];
    const subnet = int('subnet', values.subnet);
    if (subnet !== undefined) args['subnet-id'] = subnet;
    if (values.hostname !== undefined) args['hostname'] = values.hostname;
    const lft = int('valid-lft', values['valid-lft']);
    if (lft !== undefined) args['valid-lft'] = lft;
  }
  const { target, timeoutMs } = await resolveTarget(values);
  const command = { show: 'lease4-get', add: 'lease4-add', del: 'lease4-del' }[action];
  const r = await call(io.connect(target, timeoutMs), command, args);
  if (r.result === 3) {
    if (values.json) io.out(JSON.stringify(r, null, 2) + '\n');
    else io.err(`tandem: no lease for ${address}\n`);
    return 3;
  }
  if (r.result !== 0) throw new CommandFailed(`${command}: ${r.text}`);
  if (values.json) {
    io.out(JSON.stringify(action === 'show' ? r.arguments : r, null, 2) + '\n');
  } else if (action === 'show') {
    const lease = r.arguments as KeaLease4Json;
    const row = leaseRow(lease);
    const width = Math.max(...LEASE_HEADER.map((h) => h.length));
    for (const [i, h] of LEASE_HEADER.entries()) io.out(`${h.padEnd(width)}  ${row[i] ?? ''}\n`);
    io.out(`${'valid-lft'.padEnd(width)}  ${lease['valid-lft']}\n`);
  } else {
    io.out(`${r.text}\n`);
  }
  return 0;
}
