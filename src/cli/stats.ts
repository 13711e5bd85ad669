import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.ts';
import { callOk, resolveTarget, TARGET_OPTIONS } from './control-target.ts';
import { formatTable } from './table.ts';
import { subnetList } from './subnet-list.ts';

export type SubnetStatsRow = {
  'subnet-id': number;
  subnet: string;
  size: number;
  assigned: number;
  declined: number;
  free: number;
  /** (assigned + declined) / size, in percent with one decimal; 0 for an empty subnet. */
  utilisation: number;
};

/** The newest value of a Kea statistic (`[[value, "timestamp"], …]`), 0 when absent. */
export function latest(all: Record<string, unknown>, name: string): number {
  const samples = all[name];
  if (!Array.isArray(samples)) return 0;
  const first: unknown = samples[0];
  const v = Array.isArray(first) ? first[0] : undefined;
  return typeof v === 'number' ? v : 0;
}

/** Per-subnet rows from statistic-get-all's arguments and subnet4-list's `subnets`. */
export function subnetStatsRows(all: Record<string, unknown>, subnets: readonly { id: number; subnet: string }[]): SubnetStatsRow[] {
  return subnets.map(({ id, subnet }) => {
    const size = latest(all, `subnet[${id}].total-addresses`);
    const assigned = latest(all, `subnet[${id}].assigned-addresses`);
    const declined = latest(all, `subnet[${id}].declined-addresses`);
    const used = assigned + declined;
    return {
      'subnet-id': id, subnet, size, assigned, declined, free: Math.max(0, size - used),
      utilisation: size > 0 ? Math.round((used / size) * 1000) / 10 : 0,
    };
  });
}

/** `tandem stats [--json]`: per subnet size, assigned, free, declined and utilisation. */
export async function runStats(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: TARGET_OPTIONS });
  const { target, timeoutMs } = await resolveTarget(values);
  const client = io.connect(target, timeoutMs);
  const all = (await callOk(client, 'statistic-get-all')).arguments ?? {};
  const subnets = await subnetList(client, all);
  const rows = subnetStatsRows(all, subnets);
  if (values.json) {
    io.out(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  io.out(formatTable(['subnet', 'prefix', 'size', 'assigned', 'free', 'declined', 'in use'],
    rows.map((r) => [String(r['subnet-id']), r.subnet, String(r.size), String(r.assigned), String(r.free),
      String(r.declined), `${r.utilisation.toFixed(1)} %`]), [2, 3, 4, 5, 6]));
  const sum = (k: 'size' | 'assigned' | 'declined' | 'free') => rows.reduce((a, r) => a + r[k], 0);
  io.out(`total: ${sum('size')} addresses, ${sum('assigned')} assigned, ${sum('declined')} declined, ${sum('free')} free\n`);
  return 0;
}
