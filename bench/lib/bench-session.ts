// One benchmark session: the lab, the one shared config file, and "measure one run": fresh lease
// file (optionally preloaded), fresh server, perfdhcp at one rate, RSS, stop.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../test/helpers/lab/index.ts';
import { createBenchLab } from './bench-lab.ts';
import type { BenchLab } from './bench-lab.ts';
import { writeBenchConfig } from './bench-config.ts';
import { BENCH_ROOT, BenchError, startBenchServer } from './bench-server.ts';
import type { BenchServer, BenchServerKind } from './bench-server.ts';
import { runPerfdhcp } from './perfdhcp.ts';
import type { PerfMode } from './perfdhcp.ts';
import type { RunRecord } from './report.ts';

export type SessionOptions = {
  mode: PerfMode;
  socketType: 'udp' | 'raw';
  /** prefix length of the link and subnet: 16 for sweeps, 12 for the 1M-lease scale run */
  prefixLength: 16 | 12;
  validLifetime?: number;
  perfArgs?: readonly string[];
  /**
   * seconds of light load (min(rate, 1000)/s, clients that the measured run never uses) after start-up
   * and before the measured run, so both servers are measured warm (JIT, caches); 0 = none
   */
  warmupSeconds?: number;
};

export type Session = {
  readonly L: BenchLab;
  readonly configPath: string;
  readonly leaseFile: string;
  /** first and last pool address as numbers */
  readonly poolFirst: number;
  readonly poolLast: number;
  /** start a server on a fresh lease file; `preload` may write the file first (same path for both) */
  start(kind: BenchServerKind, preload?: (leaseFile: string) => void): Promise<BenchServer>;
  measure(kind: BenchServerKind, rate: number, o: MeasureOptions): Promise<RunRecord>;
  close(): Promise<void>;
};

export type MeasureOptions = {
  seconds: number;
  clients: number;
  phase: RunRecord['phase'];
  preload?: (leaseFile: string) => void;
};

const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');

export async function createSession(o: SessionOptions): Promise<Session> {
  const L = await createBenchLab({ prefixLength: o.prefixLength });
  try {
    const dir = L.lab.tmpdir();
    const leaseDir = join(dir, 'leases');
    mkdirSync(leaseDir, { recursive: true });
    const leaseFile = join(leaseDir, 'leases4.db');
    const configPath = join(dir, 'bench-dhcp4.json');
    // The pool starts at x.y.1.0 and ends just below the subnet's broadcast address.
    const [a, b] = L.serverIp.split('.').map(Number) as [number, number];
    const base = ((a << 24) | (b << 16)) >>> 0;
    const poolFirst = base + 256;
    const poolLast = base + 2 ** (32 - o.prefixLength) - 2;
    writeBenchConfig(configPath, {
      interfaceName: L.serverIf, subnet: L.subnet, pool: `${dotted(poolFirst)} - ${dotted(poolLast)}`,
      router: L.serverIp, leaseFile, keaLogFile: join(dir, 'kea.log'), socketType: o.socketType,
      ...(o.validLifetime !== undefined ? { validLifetime: o.validLifetime } : {}),
    });
    const check = await run([join(BENCH_ROOT, 'bin/tandem'), 'check', '--config', configPath], { timeoutMs: 30_000 });
    if (check.code !== 0) throw new BenchError('ERR_BENCH_CONFIG', `tandem check refused the bench config:\n${check.stdout}${check.stderr}`);

    const start = async (kind: BenchServerKind, preload?: (leaseFile: string) => void): Promise<BenchServer> => {
      for (const f of readdirSync(leaseDir)) rmSync(join(leaseDir, f), { recursive: true, force: true });
      preload?.(leaseFile);
      return startBenchServer(L.lab, {
        kind, configPath, runDir: dir, serverNs: L.server, clientNs: L.client, serverIp: L.serverIp, probeIp: L.clientIp,
      });
    };

    return {
      L, configPath, leaseFile, poolFirst, poolLast, start,
      async measure(kind, rate, m) {
        const srv = await start(kind, m.preload);
        try {
          const rssBefore = srv.rssMiB();
          const perf = { mode: o.mode, relayIp: L.clientIp, clientIf: L.clientIf, serverIp: L.serverIp, extraArgs: o.perfArgs ?? [] };
          const warm = o.warmupSeconds ?? 0;
          if (warm > 0) {
            await runPerfdhcp(L.lab, L.client, { ...perf, rate: Math.min(rate, 1000), seconds: warm, clients: 1000, macBase: '02:ce:00:00:00:00' });
          }
          const result = await runPerfdhcp(L.lab, L.client, { ...perf, rate, seconds: m.seconds, clients: m.clients });
          const rss = srv.rssMiB() ?? rssBefore;
          return { server: kind, offered: rate, phase: m.phase, startupMs: srv.startupMs, rssStartMiB: rssBefore, rssMiB: rss, result };
        } finally {
          await srv.stop();
        }
      },
      close: () => L.lab.destroy(),
    };
  } catch (e) {
    await L.lab.destroy();
    throw e;
  }
}
