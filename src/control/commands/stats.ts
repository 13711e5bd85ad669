import { obj, str } from '../args.ts';
import { defineCommand, failure, success } from '../registry.ts';
import type { Command } from '../registry.ts';

/**
 * Gauges kept from the lease store (subnet[N].total/assigned/declined-addresses): resetting one
 * would make it wrong until the next restart, so statistic-reset refuses them and
 * statistic-reset-all leaves them.
 */
const GAUGE = /^subnet\[\d+\]\.(total|assigned|declined)-addresses$/;

/** Kea's sample timestamp: local time, `2026-11-23 06:00:00.123456`. */
export function keaTimestamp(epochSec: number): string {
  const d = new Date(Math.floor(epochSec * 1000));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

/** Kea's global DHCPv4 packet counters, which exist (at 0) from start-up even before any packet. */
const KEA_COUNTERS = [
  'pkt4-received', 'pkt4-discover-received', 'pkt4-offer-received', 'pkt4-request-received', 'pkt4-ack-received',
  'pkt4-nak-received', 'pkt4-release-received', 'pkt4-decline-received', 'pkt4-inform-received', 'pkt4-unknown-received',
  'pkt4-sent', 'pkt4-offer-sent', 'pkt4-ack-sent', 'pkt4-nak-sent', 'pkt4-parse-failed', 'pkt4-receive-drop',
] as const;

/** Every statistic, the Kea counters included. */
function allStats(snapshot: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of KEA_COUNTERS) out[name] = 0;
  return Object.assign(out, snapshot);
}

const nameArgs = obj({ required: { name: str({ min: 1 }) } });

/** statistic-get, statistic-get-all, statistic-reset, statistic-reset-all. */
export const statsCommands: readonly Command[] = [
  defineCommand({
    name: 'statistic-get',
    summary: 'Returns one statistic as [[value, timestamp]]; an unknown name gives {}.',
    args: nameArgs,
    run: (args, ctx) => {
      const all = allStats(ctx.api.stats.snapshot());
      const value = all[args.name];
      return success(value === undefined ? `No '${args.name}' statistic found.` : `Statistic '${args.name}' returned.`,
        value === undefined ? {} : { [args.name]: [[value, keaTimestamp(ctx.now())]] });
    },
  }),
  defineCommand({
    name: 'statistic-get-all',
    summary: 'Returns every statistic as {name: [[value, timestamp]]}.',
    run: (_args, ctx) => {
      const at = keaTimestamp(ctx.now());
      const all = Object.entries(allStats(ctx.api.stats.snapshot())).sort(([a], [b]) => a.localeCompare(b));
      return success(`${all.length} statistics returned.`, Object.fromEntries(all.map(([k, v]) => [k, [[v, at]]])));
    },
  }),
  defineCommand({
    name: 'statistic-reset',
    summary: 'Sets one counter back to 0.',
    args: nameArgs,
    run: (args, ctx) => {
      const { stats } = ctx.api;
      if (!(args.name in allStats(stats.snapshot()))) return failure(`No '${args.name}' statistic found`);
      if (GAUGE.test(args.name)) return failure(`'${args.name}' is counted from the lease store and cannot be reset`);
      stats.reset(args.name);
      return success(`Statistic '${args.name}' reset.`);
    },
  }),
  defineCommand({
    name: 'statistic-reset-all',
    summary: 'Sets every counter back to 0 (lease-store gauges are kept).',
    run: (_args, ctx) => {
      const { stats } = ctx.api;
      for (const name of Object.keys(stats.snapshot())) if (!GAUGE.test(name)) stats.reset(name);
      return success('All statistics reset to neutral values.');
    },
  }),
];
