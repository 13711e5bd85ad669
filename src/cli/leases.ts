import { formatIp4 } from '../util/index.ts';
import { leaseExpiry, leaseToKeaJson } from '../model/index.ts';
import { loadConfig4File } from '../config/index.ts';
import { readStoredLeases4 } from '../store/index.ts';

/** `tandem leases`: the leases stored for a config, as a table or as Kea's lease JSON. */
export async function runLeases(configPath: string, json: boolean): Promise<number> {
  const config = await loadConfig4File(configPath);
  const leases = readStoredLeases4(config.leaseDatabase);
  if (json) {
    process.stdout.write(JSON.stringify(leases.map(leaseToKeaJson), null, 2) + '\n');
    return 0;
  }
  const rows = leases.map((l) => [
    formatIp4(l.address), l.hwAddress, l.clientId ?? '', String(l.subnetId), l.state,
    new Date(leaseExpiry(l) * 1000).toISOString().replace('.000Z', 'Z'), l.hostname,
  ]);
  const header = ['address', 'hw-address', 'client-id', 'subnet', 'state', 'expires', 'hostname'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n';
  process.stdout.write(line(header));
  for (const row of rows) process.stdout.write(line(row));
  process.stdout.write(`${leases.length} lease${leases.length === 1 ? '' : 's'}\n`);
  return 0;
}
