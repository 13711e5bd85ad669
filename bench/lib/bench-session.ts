// One benchmark session: the lab, the one shared config file, and "measure one run": fresh lease
// file (optionally preloaded), fresh server, perfdhcp at one rate, RSS, stop.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../test/helpers/lab/index.ts';
import { createBenchLab } from './bench-lab.ts';
import type { BenchLab } from './bench-lab.ts';
import { writeBenchConfig } from './bench-config.ts';
import { HA_PORT, startBenchPair } from './bench-ha.ts';
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
  /**
   * a hot-standby pair instead of one server: the primary in the server namespace (perfdhcp's
   * target), the standby in the peer namespace, partner traffic on the HA link (bench-ha.ts)
   */
  ha?: boolean;
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

/** Debian's Kea hook directory (kea-dhcp4-server), used by the HA configs */
const KEA_HOOKS = '/usr/lib/x86_64-linux-gnu/kea/hooks';

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
    const common = {
      subnet: L.subnet, pool: `${dotted(poolFirst)} - ${dotted(poolLast)}`, router: L.serverIp, socketType: o.socketType,
      ...(o.validLifetime !== undefined ? { validLifetime: o.validLifetime } : {}),
    };
    // HA: the standby's file differs only in this-server-name, its interface, lease file, socket and log.
    const sides = {
      primary: { ns: L.server, haIp: L.serverHaIp, runDir: join(dir, 'run-primary'), controlSocket: join(dir, 'ctrl-primary.sock'), configPath },
      standby: { ns: L.peer, haIp: L.peerHaIp, runDir: join(dir, 'run-standby'), controlSocket: join(dir, 'ctrl-standby.sock'), configPath: join(dir, 'bench-dhcp4-standby.json') },
    };
    const ha = (name: 'server1' | 'server2', socket: string) => ({
      thisServer: name, primaryUrl: `http://${L.serverHaIp}:${HA_PORT}/`, standbyUrl: `http://${L.peerHaIp}:${HA_PORT}/`,
      controlSocket: socket, hooksDir: KEA_HOOKS,
    });
    writeBenchConfig(configPath, {
      ...common, interfaceName: L.serverIf, leaseFile, keaLogFile: join(dir, 'kea.log'),
      ...(o.ha ? { ha: ha('server1', sides.primary.controlSocket) } : {}),
    });
    if (o.ha) {
      writeBenchConfig(sides.standby.configPath, {
        ...common, interfaceName: 'eth0', leaseFile: join(leaseDir, 'leases4-standby.db'), keaLogFile: join(dir, 'kea-standby.log'),
        ha: ha('server2', sides.standby.controlSocket),
      });
    }
    for (const path of o.ha ? [configPath, sides.standby.configPath] : [configPath]) {
      const check = await run([join(BENCH_ROOT, 'bin/tandem'), 'check', '--config', path], { timeoutMs: 30_000 });
      if (check.code !== 0) throw new BenchError('ERR_BENCH_CONFIG', `tandem check refused the bench config ${path}:\n${check.stdout}${check.stderr}`);
    }

    const start = async (kind: BenchServerKind, preload?: (leaseFile: string) => void): Promise<BenchServer> => {
      for (const f of readdirSync(leaseDir)) rmSync(join(leaseDir, f), { recursive: true, force: true });
      preload?.(leaseFile);
      if (o.ha) {
        return startBenchPair(L.lab, { kind, primary: sides.primary, standby: sides.standby, clientNs: L.client, serverIp: L.serverIp, probeIp: L.clientIp });
      }
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
          const cpuBefore = srv.cpuMs();
          const result = await runPerfdhcp(L.lab, L.client, { ...perf, rate, seconds: m.seconds, clients: m.clients });
          const cpuAfter = srv.cpuMs();
          const rss = srv.rssMiB() ?? rssBefore;
          const completed = result.achieved * m.seconds;
          const cpuMsPerExchange: Record<string, number> = {};
          for (const [name, after] of Object.entries(cpuAfter)) {
            const before = cpuBefore[name];
            if (after !== null && before !== null && before !== undefined && completed > 0) cpuMsPerExchange[name] = (after - before) / completed;
          }
          return { server: kind, offered: rate, phase: m.phase, startupMs: srv.startupMs, rssStartMiB: rssBefore, rssMiB: rss, result, cpuMsPerExchange };
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
