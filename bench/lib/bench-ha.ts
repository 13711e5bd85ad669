// A hot-standby pair for the benchmark: the standby in the peer namespace, the primary in the server
// namespace (the one perfdhcp's relayed traffic reaches), partner traffic on the `ha0` link.
// Kea 2.2's HA hook sends and receives partner commands through kea-ctrl-agent (2.2's dedicated HA
// listener only exists with multi-threading, which is off by default in 2.2), so each Kea server gets
// its own agent on its HA address, forwarding to its kea-dhcp4's unix control socket. tandem serves
// the partner url itself. Start-up is timed as for one server: spawn of the primary to the first
// OFFER, which Kea's and tandem's primaries only send once the pair is up (hot-standby state).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, LabProcess, Ns } from '../../test/helpers/lab/index.ts';
import { BENCH_ROOT, BenchError, readCpuMs, readRssMiB, startBenchServer, tandemServeArgv } from './bench-server.ts';
import type { BenchServer, BenchServerKind } from './bench-server.ts';

export const HA_PORT = 8000;

export type HaSideSpec = {
  ns: Ns;
  configPath: string;
  /** the HA address this server's partner url points at */
  haIp: string;
  controlSocket: string;
  /** pid/lock dir (one per server, so two Kea processes never share a pid file) */
  runDir: string;
};

export type PairOptions = {
  kind: BenchServerKind;
  primary: HaSideSpec;
  standby: HaSideSpec;
  clientNs: Ns;
  /** where the probe sends (the primary's LAN address) and the address it binds (the relay) */
  serverIp: string;
  probeIp: string;
};

/** kea-ctrl-agent's config: HTTP on the HA address, forwarding `service: dhcp4` to the unix socket. */
export function keaAgentConfig(host: string, port: number, socket: string, logFile: string): Record<string, unknown> {
  return {
    'Control-agent': {
      'http-host': host,
      'http-port': port,
      'control-sockets': { dhcp4: { 'socket-type': 'unix', 'socket-name': socket } },
      loggers: [{ name: 'kea-ctrl-agent', output_options: [{ output: logFile }], severity: 'WARN' }],
    },
  };
}

type SideProcess = { readonly role: string; readonly proc: LabProcess };

function spawnSide(lab: Lab, kind: BenchServerKind, side: HaSideSpec, withServer: boolean, name: string): SideProcess[] {
  mkdirSync(side.runDir, { recursive: true });
  const env = { KEA_PIDFILE_DIR: side.runDir, KEA_LOCKFILE_DIR: side.runDir };
  if (kind === 'tandem') {
    return withServer ? [{ role: name, proc: lab.spawn(side.ns, tandemServeArgv(side.configPath, name), { cwd: BENCH_ROOT }) }] : [];
  }
  const caPath = join(side.runDir, 'kea-ctrl-agent.json');
  writeFileSync(caPath, JSON.stringify(keaAgentConfig(side.haIp, HA_PORT, side.controlSocket, join(side.runDir, 'kea-ctrl-agent.log')), null, 2) + '\n');
  const procs = [{ role: `${name}-agent`, proc: lab.spawn(side.ns, ['kea-ctrl-agent', '-c', caPath], { env, cwd: side.runDir }) }];
  if (withServer) procs.push({ role: name, proc: lab.spawn(side.ns, ['kea-dhcp4', '-c', side.configPath], { env, cwd: side.runDir }) });
  return procs;
}

/** Starts the standby (and Kea's agents), then the primary timed by the probe; stop() ends all. */
export async function startBenchPair(lab: Lab, o: PairOptions): Promise<BenchServer> {
  const sides: SideProcess[] = [];
  const extra: LabProcess[] = [];
  const killAll = async (): Promise<void> => {
    await Promise.allSettled(extra.map((p) => p.kill('SIGTERM')));
  };
  try {
    sides.push(...spawnSide(lab, o.kind, o.standby, true, 'standby'));
    sides.push(...spawnSide(lab, o.kind, o.primary, false, 'primary'));
    extra.push(...sides.map((s) => s.proc));
    let primary: BenchServer;
    try {
      primary = await startBenchServer(lab, {
        kind: o.kind, configPath: o.primary.configPath, runDir: o.primary.runDir, serverNs: o.primary.ns, clientNs: o.clientNs,
        serverIp: o.serverIp, probeIp: o.probeIp, startTimeoutMs: 90_000, role: 'primary',
      });
    } catch (e) {
      const tails = extra.map((p) => `--- pid ${p.pid}:\n${p.output().slice(-1500)}`).join('\n');
      throw new BenchError('ERR_BENCH_PAIR_START', `${o.kind} pair did not start: ${(e as Error).message}\n${tails}`, { cause: e });
    }
    let stopped = false;
    return {
      kind: o.kind,
      pid: primary.pid,
      startupMs: primary.startupMs,
      // the whole pair: both servers, and Kea's two agents
      rssMiB: () => {
        if (stopped) return null;
        const parts = [primary.rssMiB(), ...extra.map((p) => readRssMiB(p.pid))];
        return parts.reduce<number>((a, b) => a + (b ?? 0), 0);
      },
      cpuMs: () => {
        const out: Record<string, number | null> = { primary: stopped ? null : readCpuMs(primary.pid) };
        for (const s of sides) out[s.role] = stopped ? null : readCpuMs(s.proc.pid);
        return out;
      },
      tail: () => primary.tail() + extra.map((p) => `\n--- pid ${p.pid}:\n${p.output().slice(-1500)}`).join(''),
      async stop() {
        stopped = true;
        await primary.stop();
        await killAll();
      },
    };
  } catch (e) {
    await killAll();
    throw e;
  }
}
