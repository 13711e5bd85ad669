// Summaries and the printed table for a rate sweep. Pure functions over run records.
import type { BenchServerKind } from './bench-server.ts';
import type { PerfResult } from './perfdhcp.ts';

export type RunRecord = {
  server: BenchServerKind;
  offered: number;
  /** 'sweep' or 'overload' (3 x max sustained) */
  phase: 'sweep' | 'overload';
  /** ms from spawn to the first OFFER */
  startupMs: number;
  /** VmRSS right after start-up, before the load */
  rssStartMiB: number | null;
  /** VmRSS at the end of the load */
  rssMiB: number | null;
  result: PerfResult;
  /** CPU ms (user + system) each process used during the measured run, per completed exchange */
  cpuMsPerExchange?: Record<string, number>;
};

/** Drops below this percentage, in both exchanges, count as sustained. */
export const SUSTAINED_DROP_PCT = 1;

export function isSustained(r: RunRecord): boolean {
  return r.result.discoverOffer.dropPct < SUSTAINED_DROP_PCT && r.result.requestAck.dropPct < SUSTAINED_DROP_PCT;
}

/** Highest achieved rate among sweep runs of `server` with both drop % under 1; 0 when none. */
export function maxSustained(runs: readonly RunRecord[], server: BenchServerKind): number {
  let best = 0;
  for (const r of runs) if (r.server === server && r.phase === 'sweep' && isSustained(r)) best = Math.max(best, r.result.achieved);
  return best;
}

const fmt = (n: number | null, digits = 0): string => (n === null ? 'n/a' : n.toFixed(digits));

export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function runTable(runs: readonly RunRecord[]): string {
  return formatTable(
    ['server', 'phase', 'offered/s', 'achieved/s', 'D-O drop %', 'R-A drop %', 'avg ms D-O', 'avg ms R-A', 'max ms', 'start ms', 'RSS MiB start', 'RSS MiB end'],
    runs.map((r) => {
      const d = r.result.discoverOffer;
      const q = r.result.requestAck;
      const max = d.maxMs === null && q.maxMs === null ? null : Math.max(d.maxMs ?? 0, q.maxMs ?? 0);
      return [r.server, r.phase, String(r.offered), fmt(r.result.achieved), fmt(d.dropPct, 2), fmt(q.dropPct, 2),
        fmt(d.avgMs, 2), fmt(q.avgMs, 2), fmt(max, 1), String(r.startupMs), fmt(r.rssStartMiB), fmt(r.rssMiB)];
    }),
  );
}

export type Summary = {
  maxSustained: Partial<Record<BenchServerKind, number>>;
  /** tandem / kea of max sustained, when both ran and kea's is non-zero */
  ratio: number | null;
  /** goodput at 3 x own max sustained, as % of own max sustained */
  overloadPct: Partial<Record<BenchServerKind, number>>;
  overloadRatio: number | null;
};

export function summarize(runs: readonly RunRecord[], servers: readonly BenchServerKind[]): Summary {
  const maxS: Partial<Record<BenchServerKind, number>> = {};
  const over: Partial<Record<BenchServerKind, number>> = {};
  const overGoodput: Partial<Record<BenchServerKind, number>> = {};
  for (const s of servers) {
    const m = maxSustained(runs, s);
    maxS[s] = m;
    const o = runs.find((r) => r.server === s && r.phase === 'overload');
    if (o && m > 0) {
      over[s] = (100 * o.result.achieved) / m;
      overGoodput[s] = o.result.achieved;
    }
  }
  const ratio = maxS.tandem !== undefined && maxS.kea ? maxS.tandem / maxS.kea : null;
  const overloadRatio = overGoodput.tandem !== undefined && overGoodput.kea ? overGoodput.tandem / overGoodput.kea : null;
  return { maxSustained: maxS, ratio, overloadPct: over, overloadRatio };
}

/** `ratioTarget`: the target for tandem / kea of max sustained (2 for one server, 5 for the HA pair). */
export function summaryText(s: Summary, runs: readonly RunRecord[], ratioTarget = 2): string {
  const out: string[] = [];
  for (const [server, m] of Object.entries(s.maxSustained)) {
    out.push(`max sustained (drops < ${SUSTAINED_DROP_PCT} %): ${server.padEnd(6)} ${m.toFixed(0)} exchanges/s${m === 0 ? ' (no sweep rate was sustained)' : ''}`);
  }
  if (s.ratio !== null) out.push(`ratio tandem / kea, max sustained: ${s.ratio.toFixed(2)}  (target >= ${ratioTarget.toFixed(2)})`);
  for (const [server, pct] of Object.entries(s.overloadPct)) {
    const o = runs.find((r) => r.server === server && r.phase === 'overload');
    out.push(`goodput at 3x overload: ${server.padEnd(6)} ${o?.result.achieved.toFixed(0)} /s at ${o?.offered}/s offered = ${pct.toFixed(0)} % of its max sustained${server === 'tandem' ? '  (target >= 90 %)' : ''}`);
  }
  if (s.overloadRatio !== null) out.push(`ratio tandem / kea, goodput at 3x overload: ${s.overloadRatio.toFixed(2)}`);
  return out.join('\n');
}
