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
};

export function readRssMiB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
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
      : [TANDEM, 'serve', '--config', o.configPath, '--log-level', 'warn'];
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
