// Reads a V8 .cpuprofile (node --cpu-prof; see TANDEM_BENCH_CPU_PROF in bench-server.ts) and prints
// self time and total time per function, top N by self time, then top N by total time.
//   node --import tsx bench/lib/cpu-profile.ts FILE [--top 40] [--from-ms T] [--to-ms T]
// --from-ms/--to-ms keep only samples in that window (ms since the profile's start), e.g. the load.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export type FunctionTime = { readonly name: string; readonly selfMs: number; readonly totalMs: number };

function label(f: CallFrame): string {
  const name = f.functionName === '' ? '(anonymous)' : f.functionName;
  if (f.url === '') return name;
  const file = f.url.startsWith('file://') ? relative(process.cwd(), new URL(f.url).pathname) : f.url;
  return `${name} ${file}:${f.lineNumber + 1}`;
}

/** Self and total ms per function label (total counts a function once per sample, recursion included). */
export function summarize(p: CpuProfile, fromMs = 0, toMs = Infinity): { rows: FunctionTime[]; sampledMs: number; idleMs: number } {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let t = 0;
  let sampledMs = 0;
  let idleMs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    t += dt;
    if (t < fromMs || t > toMs) continue;
    // The delta before sample i+1 is the time spent in sample i; using its own delta is close enough.
    const id = p.samples[i]!;
    const node = byId.get(id);
    if (node === undefined) continue;
    sampledMs += dt;
    const own = label(node.callFrame);
    if (node.callFrame.functionName === '(idle)') idleMs += dt;
    self.set(own, (self.get(own) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!.callFrame);
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + dt);
    }
  }
  const rows = [...total.entries()].map(([name, totalMs]) => ({ name, selfMs: self.get(name) ?? 0, totalMs }));
  return { rows, sampledMs, idleMs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '40' }, 'from-ms': { type: 'string' }, 'to-ms': { type: 'string' } },
  });
  const top = Number(values.top);
  for (const file of positionals) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const { rows, sampledMs, idleMs } = summarize(p, Number(values['from-ms'] ?? 0), values['to-ms'] !== undefined ? Number(values['to-ms']) : Infinity);
    const pct = (ms: number) => `${((100 * ms) / sampledMs).toFixed(1).padStart(5)} %`;
    console.log(`${file}: ${(sampledMs / 1000).toFixed(1)} s sampled, idle ${pct(idleMs)}, busy ${((sampledMs - idleMs) / 1000).toFixed(1)} s`);
    console.log('  by self time:');
    for (const r of [...rows].sort((a, b) => b.selfMs - a.selfMs).slice(0, top)) {
      console.log(`  ${pct(r.selfMs)} self ${pct(r.totalMs)} total  ${r.name}`);
    }
    console.log('  by total time:');
    for (const r of [...rows].sort((a, b) => b.totalMs - a.totalMs).slice(0, top)) {
      console.log(`  ${pct(r.totalMs)} total ${pct(r.selfMs)} self  ${r.name}`);
    }
  }
}
