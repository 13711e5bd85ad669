// Rate sweep, tandem against Kea 2.2 on the same config file: see docs/performance.md.
//   bash bench/run.sh [--servers tandem,kea] [--rates 1000,2000,...] [--seconds N] [--clients N]
//                     [--relay | --direct] [--socket-type udp|raw] [--no-overload] [--json FILE]
//                     [--perf-args='-g single'] [--warmup SECONDS] [--ha]
//   --ha: each server is a hot-standby PAIR (tandem+tandem vs Kea+Kea with HA hook and ctrl-agents);
//         perfdhcp drives the primary, every ACK waits for the standby's lease-update ack.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createSession } from './lib/bench-session.ts';
import type { BenchServerKind } from './lib/bench-server.ts';
import { maxSustained, runTable, summarize, summaryText } from './lib/report.ts';
import type { RunRecord } from './lib/report.ts';

const DEFAULT_RATES = [1000, 2000, 3000, 4000, 5000, 6000, 8000, 10000, 15000, 20000];
const DEFAULT_HA_RATES = [250, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 6000];

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'tandem,kea' },
    rates: { type: 'string' },
    seconds: { type: 'string', short: 'p', default: '10' },
    clients: { type: 'string', short: 'R', default: '60000' },
    relay: { type: 'boolean', default: false },
    direct: { type: 'boolean', default: false },
    'socket-type': { type: 'string' },
    'no-overload': { type: 'boolean', default: false },
    json: { type: 'string' },
    'perf-args': { type: 'string', default: '' },
    warmup: { type: 'string', default: '1' },
    ha: { type: 'boolean', default: false },
  },
  strict: true,
});

const servers = values.servers.split(',').map((s) => s.trim()).filter(Boolean);
for (const s of servers) if (s !== 'tandem' && s !== 'kea') throw new Error(`--servers: unknown server '${s}'`);
const rates = values.rates ? values.rates.split(',').map(Number) : values.ha ? DEFAULT_HA_RATES : DEFAULT_RATES;
if (rates.some((r) => !Number.isInteger(r) || r <= 0)) throw new Error('--rates: positive integers, comma-separated');
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 1 || seconds > 120) throw new Error('--seconds: 1..120');
const clients = Number(values.clients);
if (!Number.isInteger(clients) || clients < 1 || clients > 65000) throw new Error('--clients: 1..65000 (the pool is a /16)');
if (values.relay && values.direct) throw new Error('--relay and --direct exclude each other');
const mode = values.direct ? 'direct' : 'relay';
// Kea cannot answer directly connected clients without an address over UDP sockets, so direct mode
// needs raw sockets; relayed traffic is compared on UDP sockets (Kea is faster on those).
const socketType = (values['socket-type'] ?? (mode === 'direct' ? 'raw' : 'udp')) as 'udp' | 'raw';
if (socketType !== 'udp' && socketType !== 'raw') throw new Error('--socket-type: udp or raw');

const warmupSeconds = Number(values.warmup);
if (!Number.isInteger(warmupSeconds) || warmupSeconds < 0 || warmupSeconds > 30) throw new Error('--warmup: 0..30 seconds');
const perfArgs = values['perf-args'].split(/\s+/).filter(Boolean);

const kinds = servers as BenchServerKind[];
const runs: RunRecord[] = [];
const started = new Date();
console.log(`perf4: ${values.ha ? 'hot-standby pairs, ' : ''}${kinds.join(' vs ')}, ${mode} mode, ${socketType} sockets, rates ${rates.join(',')}/s, ${seconds} s each after ${warmupSeconds} s warm-up, ${clients} clients; ${cpus().length} CPUs; ${started.toISOString()}`);

/** CPU µs per completed exchange, per process (user + system, all threads; /proc/PID/stat) */
const cpuText = (r: RunRecord): string => {
  const parts = Object.entries(r.cpuMsPerExchange ?? {}).map(([name, ms]) => `${name} ${(ms * 1000).toFixed(0)}`);
  return parts.length === 0 ? '' : `  cpu µs/exchange ${parts.join(' ')}`;
};

const session = await createSession({ mode, socketType, prefixLength: 16, perfArgs, warmupSeconds, ha: values.ha });
try {
  const one = async (kind: BenchServerKind, rate: number, phase: RunRecord['phase']): Promise<void> => {
    const r = await session.measure(kind, rate, { seconds, clients, phase });
    runs.push(r);
    const d = r.result.discoverOffer;
    const q = r.result.requestAck;
    console.log(`  ${kind.padEnd(6)} ${phase.padEnd(8)} offered ${String(rate).padStart(6)}/s  achieved ${r.result.achieved.toFixed(0).padStart(6)}/s  drops D-O ${d.dropPct.toFixed(2)} % R-A ${q.dropPct.toFixed(2)} %${cpuText(r)}`);
  };
  for (const rate of rates) for (const kind of kinds) await one(kind, rate, 'sweep');
  if (!values['no-overload']) {
    for (const kind of kinds) {
      const m = maxSustained(runs, kind);
      if (m > 0) await one(kind, Math.round((3 * m) / 100) * 100, 'overload');
    }
  }
} finally {
  await session.close();
}

const summary = summarize(runs, kinds);
console.log('');
console.log(runTable(runs));
console.log('');
console.log(summaryText(summary, runs, values.ha ? 5 : 2));
if (values.json) {
  writeFileSync(values.json, JSON.stringify({
    date: started.toISOString(), ha: values.ha, cpus: cpus().length, node: process.version, mode, socketType, seconds, warmupSeconds, clients, rates,
    runs: runs.map(({ result: { raw: _raw, ...result }, ...r }) => ({ ...r, result })), summary,
  }, null, 2) + '\n');
  console.log(`results written to ${values.json}`);
}
