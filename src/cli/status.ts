import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.ts';
import { call, callOk, resolveTarget, TARGET_OPTIONS } from './control-target.ts';

const duration = (sec: number): string => {
  const d = Math.floor(sec / 86400), h = Math.floor((sec % 86400) / 3600), m = Math.floor((sec % 3600) / 60);
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', `${Math.floor(sec % 60)}s`].filter(Boolean).join(' ');
};

/** `tandem status [--json]`: version, uptime, last reload, serving state and subnets of the server. */
export async function runStatus(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: TARGET_OPTIONS });
  const { target, timeoutMs } = await resolveTarget(values);
  const client = io.connect(target, timeoutMs);
  const status = (await callOk(client, 'status-get')).arguments ?? {};
  const version = await callOk(client, 'version-get');
  const subnets = await call(client, 'subnet4-list');
  const list = subnets.result === 0 ? subnets.arguments?.['subnets'] : [];
  const count = Array.isArray(list) ? list.length : 0;
  if (values.json) {
    io.out(JSON.stringify({ server: client.where, version: version.text, ...status, subnets: count }, null, 2) + '\n');
    return 0;
  }
  const lines: [string, string][] = [['server', client.where], ['version', version.text]];
  for (const [k, v] of Object.entries(status)) {
    if (k === 'version') continue;
    if (typeof v === 'number' && (k === 'uptime' || k === 'reload')) lines.push([k, duration(v)]);
    else lines.push([k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]);
  }
  lines.push(['subnets', String(count)]);
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) io.out(`${k.padEnd(width)}  ${v}\n`);
  return 0;
}
