import type { ControlClient } from '../control-client/index.ts';
import { call, callOk, CommandFailed } from './control-target.ts';

export type SubnetBrief = { readonly id: number; readonly subnet: string };

/**
 * The server's subnets from subnet4-list; where that command is not supported (Kea without its
 * subnet_cmds hook), the ids named by `subnet[ID].…` statistics, with an empty prefix.
 */
export async function subnetList(client: ControlClient, stats?: Record<string, unknown>): Promise<SubnetBrief[]> {
  const r = await call(client, 'subnet4-list');
  if (r.result === 0 || r.result === 3) {
    const list = r.arguments?.['subnets'];
    return (Array.isArray(list) ? list as Record<string, unknown>[] : [])
      .map((s) => ({ id: Number(s['id']), subnet: String(s['subnet'] ?? '') }))
      .filter((s) => Number.isInteger(s.id));
  }
  if (r.result !== 2) throw new CommandFailed(`subnet4-list: ${r.text}`);
  const all = stats ?? (await callOk(client, 'statistic-get-all')).arguments ?? {};
  const ids = new Set<number>();
  for (const name of Object.keys(all)) {
    const m = /^subnet\[(\d+)\]\.total-addresses$/.exec(name);
    if (m) ids.add(Number(m[1]));
  }
  return [...ids].sort((a, b) => a - b).map((id) => ({ id, subnet: '' }));
}
