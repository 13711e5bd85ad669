// Runs perfdhcp 2.2 (DHCPv4, DORA) from the client namespace and parses its final report.
import type { Lab, Ns } from '../../test/helpers/lab/index.ts';
import { BenchError } from './bench-server.ts';

export type PerfMode = 'relay' | 'direct';

export type PerfOptions = {
  mode: PerfMode;
  /** relay mode: the local address perfdhcp sends from (giaddr); direct mode: unused */
  relayIp: string;
  /** direct mode: the client interface */
  clientIf: string;
  serverIp: string;
  rate: number;
  seconds: number;
  clients: number;
  /** first byte pair of the simulated MACs differs per run so runs never share clients */
  macBase?: string;
  /** extra perfdhcp arguments, e.g. ['-g', 'single'] */
  extraArgs?: readonly string[];
};

export type ExchangeStats = { sent: number; received: number; dropPct: number; avgMs: number | null; maxMs: number | null };

export type PerfResult = {
  /**
   * completed 4-way exchanges per second: ACKs received / test period. (perfdhcp's own "Rate" line
   * divides by the period plus the -W wait, so it under-reports; it is kept as `perfdhcpRate`.)
   */
  achieved: number;
  perfdhcpRate: number;
  discoverOffer: ExchangeStats;
  requestAck: ExchangeStats;
  exitCode: number | null;
  raw: string;
};

export function perfdhcpArgv(o: PerfOptions): string[] {
  const common = [
    '-r', String(o.rate), '-R', String(o.clients), '-p', String(o.seconds),
    '-b', `mac=${o.macBase ?? '02:cc:00:00:00:00'}`,
    // After -p ends, wait 1 s for answers still in flight instead of counting them as drops.
    '-W', '1000000',
    ...(o.extraArgs ?? []),
  ];
  return o.mode === 'relay'
    ? ['perfdhcp', '-4', '-l', o.relayIp, ...common, o.serverIp]
    : ['perfdhcp', '-4', '-l', o.clientIf, '-B', ...common];
}

export async function runPerfdhcp(lab: Lab, ns: Ns, o: PerfOptions): Promise<PerfResult> {
  // -p bounds the sending; the kill timeout bounds everything else (start-up, the final wait).
  const r = await lab.exec(ns, perfdhcpArgv(o), { timeoutMs: (o.seconds + 20) * 1000 });
  const parsed = parsePerfdhcp(r.stdout, o.seconds);
  if (parsed === null) {
    throw new BenchError('ERR_BENCH_PERFDHCP', `perfdhcp gave no report (exit ${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  }
  return { ...parsed, exitCode: r.code, raw: r.stdout };
}

const num = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

function section(text: string, name: string): ExchangeStats | null {
  const start = text.indexOf(`***Statistics for: ${name}***`);
  if (start < 0) return null;
  const rest = text.slice(start + 1);
  const end = rest.indexOf('***Statistics for:');
  const body = end < 0 ? rest : rest.slice(0, end);
  const field = (label: string): string | undefined => new RegExp(`^${label}:\\s*([-\\w.]+)`, 'm').exec(body)?.[1];
  const sent = num(field('sent packets')) ?? 0;
  const received = num(field('received packets')) ?? 0;
  // perfdhcp's own drop count (no answer within its drop time, or none by the end); the ratio is
  // computed here because perfdhcp prints "-nan %" when nothing was sent.
  const drops = num(field('drops')) ?? Math.max(0, sent - received);
  const dropPct = sent > 0 ? (100 * drops) / sent : 100;
  return { sent, received, dropPct, avgMs: num(field('avg delay')), maxMs: num(field('max delay')) };
}

/** Parses perfdhcp's final report; null when there is none (it did not run). */
export function parsePerfdhcp(text: string, seconds: number): Omit<PerfResult, 'exitCode' | 'raw'> | null {
  const rate = /^Rate:\s*([\d.]+) 4-way exchanges\/second/m.exec(text);
  const d = section(text, 'DISCOVER-OFFER');
  const q = section(text, 'REQUEST-ACK');
  if (!rate || !d || !q) return null;
  return { achieved: q.received / seconds, perfdhcpRate: Number(rate[1]), discoverOffer: d, requestAck: q };
}
