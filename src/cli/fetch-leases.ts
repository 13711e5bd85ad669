import type { ControlClient } from '../control-client/index.ts';
import type { KeaLease4Json } from '../model/index.ts';
import type { CliIo } from './cli-io.ts';
import { call, CommandFailed } from './control-target.ts';

const PAGE = 1000;

/**
 * Every lease the server holds, fetched page by page with lease4-get-page (falling back to one
 * lease4-get-all where paging is not supported). Shows a running count on stderr when it is a TTY.
 */
export async function fetchAllLeases(client: ControlClient, io: CliIo): Promise<KeaLease4Json[]> {
  const all: KeaLease4Json[] = [];
  let from = 'start';
  const progress = (done: boolean) => {
    if (io.errIsTTY) io.err(`\rfetching leases: ${all.length}${done ? ' done\n' : '…'}`);
  };
  for (;;) {
    const r = await call(client, 'lease4-get-page', { from, limit: PAGE });
    if (r.result === 2 && all.length === 0) return leasesOf(await call(client, 'lease4-get-all'), 'lease4-get-all');
    if (r.result === 3) break;
    if (r.result !== 0) throw new CommandFailed(`lease4-get-page: ${r.text}`);
    const page = leasesOf(r, 'lease4-get-page');
    all.push(...page);
    progress(false);
    const last = page[page.length - 1];
    if (page.length < PAGE || last === undefined) break;
    from = last['ip-address'];
  }
  progress(true);
  return all;
}

/** The `leases` array of a lease4-get-* response (empty for result 3). */
export function leasesOf(r: { result: number; text: string; arguments?: Record<string, unknown> }, command: string): KeaLease4Json[] {
  if (r.result === 3) return [];
  if (r.result !== 0) throw new CommandFailed(`${command}: ${r.text}`);
  const leases = r.arguments?.['leases'];
  if (!Array.isArray(leases)) throw new CommandFailed(`${command}: the answer has no 'leases' list`);
  return leases as KeaLease4Json[];
}

export const STATE_NAMES = ['default', 'declined', 'expired-reclaimed'];

/** One table row for a lease in Kea's JSON shape. */
export function leaseRow(l: KeaLease4Json): string[] {
  const expires = new Date((l.cltt + l['valid-lft']) * 1000).toISOString().replace('.000Z', 'Z');
  return [l['ip-address'], l['hw-address'], l['client-id'] ?? '', String(l['subnet-id']),
    STATE_NAMES[l.state] ?? String(l.state), expires, l.hostname];
}
export const LEASE_HEADER = ['address', 'hw-address', 'client-id', 'subnet', 'state', 'expires', 'hostname'];
