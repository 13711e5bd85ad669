import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.ts';
import { UsageError } from './cli-io.ts';
import { call, callOk, CommandFailed, resolveTarget, TARGET_OPTIONS } from './control-target.ts';

/** `tandem ha ACTION`: the operator's HA commands, one control command each. */
const ACTIONS: Record<string, string> = {
  sync: 'ha-sync',
  'maintenance start': 'ha-maintenance-start',
  'maintenance cancel': 'ha-maintenance-cancel',
  'partner-down': 'ha-partner-down',
  reset: 'ha-reset',
  continue: 'ha-continue',
};

export const HA_USAGE = 'status | sync | maintenance start|cancel | partner-down | reset | continue';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

/** Kea's `high-availability` list: each relationship's scalars, then `ha-servers` local/remote as sections. */
function render(relationships: readonly unknown[]): string {
  const lines: Array<[string, string]> = [];
  for (const rel of relationships) {
    if (!isObject(rel)) { lines.push(['', show(rel)]); continue; }
    for (const [k, v] of Object.entries(rel)) if (k !== 'ha-servers') lines.push([k, show(v)]);
    const servers = rel['ha-servers'];
    if (!isObject(servers)) continue;
    for (const [side, info] of Object.entries(servers)) {
      if (!isObject(info)) { lines.push([side, show(info)]); continue; }
      for (const [k, v] of Object.entries(info)) lines.push([`${side}.${k}`, show(v)]);
    }
  }
  const width = Math.max(0, ...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join('');
}

/** `tandem ha status|sync|maintenance start|cancel|partner-down|reset|continue [TARGET] [--json]`. */
export async function runHa(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: TARGET_OPTIONS, allowPositionals: true });
  const action = positionals.join(' ');
  if (action === '') throw new UsageError(`'tandem ha' needs an action: ${HA_USAGE}`);
  const command = action === 'status' ? 'status-get' : ACTIONS[action];
  if (command === undefined) throw new UsageError(`'tandem ha ${action}': unknown action; use ${HA_USAGE}`);
  const { target, timeoutMs } = await resolveTarget(values);
  const client = io.connect(target, timeoutMs);

  if (command === 'status-get') {
    const status = (await callOk(client, 'status-get')).arguments ?? {};
    const ha = status['high-availability'];
    if (!Array.isArray(ha)) throw new CommandFailed(`${client.where}: this server has no high-availability relationship`);
    io.out(values.json ? JSON.stringify(ha, null, 2) + '\n' : render(ha));
    return 0;
  }
  const r = await call(client, command);
  if (values.json) io.out(JSON.stringify(r, null, 2) + '\n');
  else if (r.result === 0) io.out(`${r.text}\n${r.arguments === undefined ? '' : render([r.arguments])}`);
  if (r.result === 0) return 0;
  if (r.result === 2) throw new CommandFailed(`${command}: ${r.text}`);
  throw new CommandFailed(`${command}: ${r.text}`, r.result === 3 ? 3 : 1);
}
