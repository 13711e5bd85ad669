// Starts tandem or Kea on the shared config inside the server namespace and times its start-up with
// the relay probe: start-up = from spawn to the first OFFER the probe receives (the same definition
// for both servers, whatever each one logs).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab, LabProcess, Ns } from '../../test/helpers/lab/index.ts';

export type BenchServerKind = 'tandem' | 'kea';

export const BENCH_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const TANDEM = join(BENCH_ROOT, 'bin/tandem');
const PROBE = join(BENCH_ROOT, 'bench/lib/probe4.ts');

export class BenchError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchError';
    this.code = code;
  }
}

export interface BenchServer {
  readonly kind: BenchServerKind;
  readonly pid: number;
  /** ms from spawn to the first OFFER seen by the probe */
  readonly startupMs: number;
  /** VmRSS in MiB now (null once the process is gone) */
  rssMiB(): number | null;
  /** CPU time (user + system, all threads) used so far, in ms, per process of the run ('server'; a pair: 'primary', 'standby', ...) */
  cpuMs(): Record<string, number | null>;
  /** last lines of the server's own output, for error reports */
  tail(): string;
  stop(): Promise<void>;
}

export type StartOptions = {
  kind: BenchServerKind;
  configPath: string;
  /** pid/lock dir for Kea */
  runDir: string;
  serverNs: Ns;
  clientNs: Ns;
  serverIp: string;
  /** address the probe binds (port 67) and puts in giaddr */
  probeIp: string;
  startTimeoutMs?: number;
  /** names the CPU profile file (tandemServeArgv); 'tandem' by default */
  role?: string;
};

/**
 * The argv that starts `tandem serve` on a config. With TANDEM_BENCH_CPU_PROF=dir in the bench's
 * environment, node writes a V8 CPU profile of each tandem process into dir when it exits
 * (`--cpu-prof`; read it with `node --import tsx bench/lib/cpu-profile.ts FILE`). `role` names the file.
 */
export function tandemServeArgv(configPath: string, role: string): string[] {
  const profDir = process.env['TANDEM_BENCH_CPU_PROF'];
  const prof = profDir !== undefined && profDir !== ''
    ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profDir)}`, `--cpu-prof-name=${role}-${Date.now()}.cpuprofile`]
    : [];
  return [process.execPath, ...prof, TANDEM, 'serve', '--config', configPath, '--log-level', 'warn'];
}

export function readRssMiB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** utime + stime of a process in ms (/proc/PID/stat, in USER_HZ = 100 ticks per second), null once it is gone. */
export function readCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export async function startBenchServer(lab: Lab, o: StartOptions): Promise<BenchServer> {
  const timeoutMs = o.startTimeoutMs ?? 60_000;
  const probe = lab.spawn(o.clientNs, [process.execPath, '--import', 'tsx', PROBE, o.serverIp, o.probeIp, String(timeoutMs), '10'], { cwd: BENCH_ROOT });
  let server: LabProcess | null = null;
  try {
    await probe.waitFor(/^ready$/m, 20_000);
    const argv = o.kind === 'kea'
      ? ['kea-dhcp4', '-c', o.configPath]
      : tandemServeArgv(o.configPath, o.role ?? 'tandem');
    const env: Record<string, string> = o.kind === 'kea' ? { KEA_PIDFILE_DIR: o.runDir, KEA_LOCKFILE_DIR: o.runDir } : {};
    const spawnedAt = Date.now();
    const proc = lab.spawn(o.serverNs, argv, { env, cwd: BENCH_ROOT });
    server = proc;
    const offer = await Promise.race([
      probe.waitFor(/^offer (\d+)$/m, timeoutMs + 1_000),
      proc.exited().then((code) => {
        throw new BenchError('ERR_BENCH_SERVER_EXITED', `${o.kind} exited (${code}) during start-up:\n${proc.output().slice(-3000)}`);
      }),
    ]);
    const startupMs = Number(offer.split(' ')[1]) - spawnedAt;
    await probe.exited();
    let stopped = false;
    return {
      kind: o.kind,
      pid: proc.pid,
      startupMs,
      rssMiB: () => (stopped ? null : readRssMiB(proc.pid)),
      cpuMs: () => ({ server: stopped ? null : readCpuMs(proc.pid) }),
      tail: () => proc.output().slice(-3000),
      async stop() {
        stopped = true;
        await proc.kill('SIGTERM');
      },
    };
  } catch (e) {
    await probe.kill('SIGKILL');
    await server?.kill('SIGKILL');
    if (e instanceof BenchError) throw e;
    throw new BenchError('ERR_BENCH_SERVER_START', `${o.kind} did not answer the probe: ${(e as Error).message}\nserver output:\n${server?.output().slice(-3000) ?? ''}`, { cause: e });
  }
}
