// Scale benchmark: 1,000,000 leases in the store. For each server: start-up time (spawn to first OFFER),
// resident memory after start, and max sustained lease rate with the full store vs an empty one.
//   bash bench/run.sh --scale [--servers tandem,kea] [--leases N] [--rates 1000,...] [--seconds N]
//                             [--clients N] [--warmup SECONDS] [--json FILE]
import { copyFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSession } from './lib/bench-session.ts';
import type { BenchServerKind } from './lib/bench-server.ts';
import { writeKeaCsv, writeTandemJournal } from './lib/lease-files.ts';
import { formatTable, maxSustained, runTable } from './lib/report.ts';
import type { RunRecord } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'tandem,kea' },
    leases: { type: 'string', default: '1000000' },
    rates: { type: 'string', default: '1000,2000,3000,4000' },
    seconds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '30000' },
    warmup: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
  strict: true,
});
const kinds = values.servers.split(',').map((s) => s.trim()) as BenchServerKind[];
for (const s of kinds) if (s !== 'tandem' && s !== 'kea') throw new Error(`--servers: unknown server '${s}'`);
const count = Number(values.leases);
const rates = values.rates.split(',').map(Number);
const seconds = Number(values.seconds);
const clients = Number(values.clients);
if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new Error('--leases: 1..1000000');
if (rates.some((r) => !Number.isInteger(r) || r <= 0)) throw new Error('--rates: positive integers');
if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60) throw new Error('--seconds: 1..60');
if (!Number.isInteger(clients) || clients < 1 || clients > 40_000) throw new Error('--clients: 1..40000 (free addresses left in the /12)');

type Store = 'empty' | 'full';
type ScaleRun = RunRecord & { store: Store };
const started = new Date();
console.log(`scale4: ${kinds.join(' vs ')}, ${count} leases, rates ${rates.join(',')}/s, ${seconds} s each; ${cpus().length} CPUs; ${started.toISOString()}`);

const session = await createSession({ mode: 'relay', socketType: 'udp', prefixLength: 12, validLifetime: 86_400, warmupSeconds: Number(values.warmup) });
const runs: ScaleRun[] = [];
try {
  const dir = session.L.lab.tmpdir();
  const spec = { first: session.poolFirst, count, subnetId: 1, cltt: Math.floor(Date.now() / 1000), validLifetime: 86_400 };
  const t0 = performance.now();
  const templates: Record<BenchServerKind, string> = { tandem: join(dir, 'full.jsonl'), kea: join(dir, 'full.csv') };
  const jb = writeTandemJournal(templates.tandem, spec);
  const kb = writeKeaCsv(templates.kea, spec);
  console.log(`generated ${count} leases: journal ${(jb / 2 ** 20).toFixed(0)} MiB, Kea CSV ${(kb / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  for (const store of ['empty', 'full'] as const) {
    for (const rate of rates) {
      for (const kind of kinds) {
        const preload = store === 'full' ? (f: string) => copyFileSync(templates[kind], f) : undefined;
        const r = await session.measure(kind, rate, { seconds, clients, phase: 'sweep', ...(preload ? { preload } : {}) });
        runs.push({ ...r, store });
        const d = r.result.discoverOffer;
        const q = r.result.requestAck;
        console.log(`  ${kind.padEnd(6)} ${store.padEnd(5)} offered ${String(rate).padStart(5)}/s  achieved ${r.result.achieved.toFixed(0).padStart(5)}/s  drops D-O ${d.dropPct.toFixed(2)} % R-A ${q.dropPct.toFixed(2)} %  start ${r.startupMs} ms  RSS ${r.rssMiB?.toFixed(0)} MiB`);
      }
    }
  }
} finally {
  await session.close();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
};
console.log('');
console.log(runTable(runs).split('\n').map((l, i) => `${i === 0 ? 'store' : i === 1 ? '-----' : runs[i - 2]!.store.padEnd(5)}  ${l}`).join('\n'));
console.log('');
const rows = kinds.map((kind) => {
  const of = (store: Store) => runs.filter((r) => r.server === kind && r.store === store);
  const empty = maxSustained(of('empty'), kind);
  const full = maxSustained(of('full'), kind);
  const startup = median(of('full').map((r) => r.startupMs));
  const rssFull = median(of('full').map((r) => r.rssStartMiB ?? NaN));
  return {
    kind, empty, full, startup, rssFull,
    cells: [kind, `${(startup / 1000).toFixed(2)}`, `${median(of('empty').map((r) => r.startupMs))}`, rssFull.toFixed(0),
      median(of('empty').map((r) => r.rssStartMiB ?? NaN)).toFixed(0), empty.toFixed(0), full.toFixed(0),
      empty > 0 ? `${((100 * (full - empty)) / empty).toFixed(1)}` : 'n/a'],
  };
});
console.log(formatTable(
  ['server', `start s (${count} leases)`, 'start ms (empty)', 'RSS MiB (full, at start)', 'RSS MiB (empty)', 'max sustained empty/s', 'max sustained full/s', 'full vs empty %'],
  rows.map((r) => r.cells),
));
console.log('targets for tandem: start < 10 s, RSS < 500 MiB, full-store rate within 15 % of empty');
if (values.json) {
  writeFileSync(values.json, JSON.stringify({
    date: started.toISOString(), cpus: cpus().length, node: process.version, leases: count, rates, seconds, clients,
    runs: runs.map(({ result: { raw: _raw, ...result }, ...r }) => ({ ...r, result })),
    summary: rows.map(({ cells: _c, ...r }) => r),
  }, null, 2) + '\n');
  console.log(`results written to ${values.json}`);
}
