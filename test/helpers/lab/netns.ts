// The lab: network namespaces, veth pairs, bridges and tracked processes, all torn down on destroy.
// Nothing here touches the machine's own interfaces: every link is created directly inside a
// namespace this lab created (`ip -n NS link add ... peer ... netns NS2`).
import { spawn as spawnChild, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir as osTmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type Ns = { readonly name: string };

export type ExecResult = { code: number | null; stdout: string; stderr: string };
export type ExecOptions = { timeoutMs?: number; input?: string; env?: Record<string, string> };
export type VethOptions = { aAddr?: string; bAddr?: string; aMac?: string; bMac?: string };

export interface LabProcess {
  readonly pid: number;
  output(): string;
  waitFor(re: RegExp, timeoutMs: number): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  exited(): Promise<number | null>;
}

export interface Lab {
  readonly prefix: string;
  namespace(short: string): Promise<Ns>;
  veth(a: Ns, aIf: string, b: Ns, bIf: string, o?: VethOptions): Promise<void>;
  /** A bridge inside `ns` with `ports` (existing interfaces in ns) enslaved; optional CIDR address. */
  bridge(ns: Ns, name: string, ports: string[], addr?: string): Promise<void>;
  /** `ip ARGS` inside ns; throws ERR_LAB_IP with stderr on failure. */
  ip(ns: Ns, args: string[]): Promise<string>;
  /** Wait until the interface reports carrier (LOWER_UP, not NO-CARRIER). */
  waitCarrier(ns: Ns, ifname: string, timeoutMs?: number): Promise<void>;
  exec(ns: Ns, argv: string[], o?: ExecOptions): Promise<ExecResult>;
  spawn(ns: Ns, argv: string[], o?: { env?: Record<string, string>; cwd?: string }): LabProcess;
  tmpdir(): string;
  destroy(): Promise<void>;
}

export class LabError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
  }
}

/** Why e2e tests cannot run here, or null when they can (root + iproute2). */
export function labSkipReason(): string | null {
  if (process.platform !== 'linux') return 'e2e lab needs Linux network namespaces';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'e2e lab needs root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'e2e lab needs iproute2 (`ip`)';
  }
  return null;
}

/** Whether an executable is on PATH (for per-test skips). */
export function haveCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Run a command on the host (no namespace), bounded. */
export function run(argv: string[], o: ExecOptions = {}): Promise<ExecResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new LabError('ERR_LAB_ARGV', 'empty argv'));
  return new Promise((resolve) => {
    const child = spawnChild(cmd, args, {
      env: { ...process.env, ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[lab] timeout after ${o.timeoutMs ?? 30_000} ms: ${argv.join(' ')}\n`;
      killGroup(child.pid, 'SIGKILL');
    }, o.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      stderr += String(e);
    });
    let settled = false;
    const settle = (code: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(child.pid, 'SIGKILL'); // daemons it left behind (e.g. dhcpcd helpers) go too
      resolve({ code, stdout, stderr });
    };
    child.on('exit', (code) => {
      // give the pipes a moment to drain, but do not wait for grandchildren holding them open
      setTimeout(() => settle(code), 300);
    });
    child.on('close', (code) => settle(code));
    child.stdin.on('error', () => {});
    child.stdin.end(o.input ?? '');
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

class TrackedProcess implements LabProcess {
  readonly pid: number;
  readonly #child: ChildProcess;
  #out = '';
  #exit: Promise<number | null>;
  #done = false;
  #waiters = new Set<() => void>();

  constructor(child: ChildProcess) {
    this.#child = child;
    this.pid = child.pid ?? -1;
    const onData = (d: string): void => {
      this.#out += d;
      for (const w of this.#waiters) w();
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    this.#exit = new Promise((resolve) => {
      child.on('error', (e) => {
        this.#out += `\n[lab] spawn error: ${String(e)}\n`;
      });
      child.on('close', (code, sig) => {
        this.#done = true;
        for (const w of this.#waiters) w();
        resolve(code ?? (sig ? null : code));
      });
    });
  }

  get running(): boolean {
    return !this.#done;
  }

  output(): string {
    return this.#out;
  }

  waitFor(re: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = re.exec(this.#out);
        if (m) {
          finish();
          resolve(m[0]);
          return true;
        }
        if (this.#done) {
          finish();
          reject(new LabError('ERR_LAB_EXITED', `process ${this.pid} exited before ${re}; output:\n${this.#out.slice(-4000)}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new LabError('ERR_LAB_TIMEOUT', `timeout ${timeoutMs} ms waiting for ${re}; output:\n${this.#out.slice(-4000)}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      const waiter = (): void => {
        check();
      };
      this.#waiters.add(waiter);
      check();
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.#done) return this.#exit;
    killGroup(this.pid, signal);
    const t = setTimeout(() => killGroup(this.pid, 'SIGKILL'), 5_000);
    try {
      return await this.#exit;
    } finally {
      clearTimeout(t);
    }
  }

  exited(): Promise<number | null> {
    return this.#exit;
  }
}

const liveLabs = new Set<LabImpl>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const lab of liveLabs) lab.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const lab of liveLabs) lab.destroySync();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

function nsPids(name: string): number[] {
  try {
    const out = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 });
    return out.split(/\s+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 1);
  } catch {
    return [];
  }
}

class LabImpl implements Lab {
  readonly prefix: string;
  readonly #namespaces = new Set<string>();
  readonly #procs = new Set<TrackedProcess>();
  readonly #dir: string;
  #destroyed = false;

  constructor() {
    // td + owner pid (5 base-36 chars) + 2 random chars: sweepStaleLabs() can tell dead owners.
    this.prefix = `td${process.pid.toString(36).padStart(5, '0').slice(-5)}${randomBytes(2).toString('hex').slice(0, 2)}`;
    this.#dir = mkdtempSync(join(osTmpdir(), `tandem-e2e-${this.prefix}-`));
  }

  async #must(argv: string[], timeoutMs = 15_000): Promise<string> {
    const r = await run(argv, { timeoutMs });
    if (r.code !== 0) throw new LabError('ERR_LAB_IP', `${argv.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  async namespace(short: string): Promise<Ns> {
    this.#alive();
    const name = `${this.prefix}${short}`;
    this.#namespaces.add(name);
    await this.#must(['ip', 'netns', 'add', name]);
    await this.#must(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    return { name };
  }

  async veth(a: Ns, aIf: string, b: Ns, bIf: string, o: VethOptions = {}): Promise<void> {
    this.#alive();
    this.#own(a);
    this.#own(b);
    const argv = ['ip', '-n', a.name, 'link', 'add', aIf];
    if (o.aMac) argv.push('address', o.aMac);
    argv.push('type', 'veth', 'peer', 'name', bIf);
    if (o.bMac) argv.push('address', o.bMac);
    argv.push('netns', b.name);
    await this.#must(argv);
    if (o.aAddr) await this.#must(['ip', '-n', a.name, 'addr', 'add', o.aAddr, 'dev', aIf]);
    if (o.bAddr) await this.#must(['ip', '-n', b.name, 'addr', 'add', o.bAddr, 'dev', bIf]);
    await this.#must(['ip', '-n', a.name, 'link', 'set', aIf, 'up']);
    await this.#must(['ip', '-n', b.name, 'link', 'set', bIf, 'up']);
    await this.waitCarrier(a, aIf);
    await this.waitCarrier(b, bIf);
  }

  async bridge(ns: Ns, name: string, ports: string[], addr?: string): Promise<void> {
    this.#alive();
    this.#own(ns);
    await this.#must(['ip', '-n', ns.name, 'link', 'add', name, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    for (const p of ports) await this.#must(['ip', '-n', ns.name, 'link', 'set', p, 'master', name]);
    if (addr) await this.#must(['ip', '-n', ns.name, 'addr', 'add', addr, 'dev', name]);
    await this.#must(['ip', '-n', ns.name, 'link', 'set', name, 'up']);
    await this.waitCarrier(ns, name);
  }

  async waitCarrier(ns: Ns, ifname: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const out = await this.#must(['ip', '-n', ns.name, 'link', 'show', 'dev', ifname]);
      if (/[<,]LOWER_UP[,>]/.test(out) && !/NO-CARRIER/.test(out) && !/state DOWN/.test(out)) return;
      if (Date.now() > deadline) throw new LabError('ERR_LAB_NO_CARRIER', `${ns.name}/${ifname} has no carrier: ${out.trim()}`);
      await delay(50);
    }
  }

  async ip(ns: Ns, args: string[]): Promise<string> {
    this.#own(ns);
    return this.#must(['ip', '-n', ns.name, ...args]);
  }

  exec(ns: Ns, argv: string[], o: ExecOptions = {}): Promise<ExecResult> {
    this.#alive();
    this.#own(ns);
    return run(['ip', 'netns', 'exec', ns.name, ...argv], o);
  }

  spawn(ns: Ns, argv: string[], o: { env?: Record<string, string>; cwd?: string } = {}): LabProcess {
    this.#alive();
    this.#own(ns);
    const child = spawnChild('ip', ['netns', 'exec', ns.name, ...argv], {
      env: { ...process.env, ...o.env },
      cwd: o.cwd ?? this.#dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const p = new TrackedProcess(child);
    this.#procs.add(p);
    return p;
  }

  tmpdir(): string {
    return this.#dir;
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    await Promise.all([...this.#procs].filter((p) => p.running).map((p) => p.kill('SIGTERM')));
    this.destroySync();
  }

  /** Synchronous teardown, also used from process 'exit' hooks. Idempotent. */
  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    liveLabs.delete(this);
    for (const p of this.#procs) if (p.running) killGroup(p.pid, 'SIGKILL');
    for (const name of this.#namespaces) deleteNamespace(name);
    if (process.env['TANDEM_E2E_KEEP'] !== '1') rmSync(this.#dir, { recursive: true, force: true });
  }

  #alive(): void {
    if (this.#destroyed) throw new LabError('ERR_LAB_DESTROYED', 'lab already destroyed');
  }

  #own(ns: Ns): void {
    if (!this.#namespaces.has(ns.name)) throw new LabError('ERR_LAB_FOREIGN_NS', `namespace ${ns.name} is not part of lab ${this.prefix}`);
  }

  register(): void {
    liveLabs.add(this);
  }
}

const PREFIX_RE = /^(td([0-9a-z]{5})[0-9a-f]{2})\S*/;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove what an earlier lab left behind when its process was SIGKILLed: only namespaces named like
 * ours whose owner pid is dead AND whose lab tmpdir still exists (so nothing foreign is touched).
 */
export function sweepStaleLabs(): string[] {
  let names: string[];
  try {
    names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 5_000 }).split('\n').map((l) => l.split(' ')[0] ?? '');
  } catch {
    return [];
  }
  const tmp = osTmpdir();
  const dirs = readdirSync(tmp).filter((d) => d.startsWith('tandem-e2e-td'));
  const removed: string[] = [];
  for (const name of names) {
    const m = PREFIX_RE.exec(name);
    if (!m || !m[1] || !m[2]) continue;
    const owner = parseInt(m[2], 36);
    if (owner === process.pid || pidAlive(owner)) continue;
    const prefix = m[1];
    const own = dirs.filter((d) => d.startsWith(`tandem-e2e-${prefix}-`));
    if (own.length === 0) continue;
    if (deleteNamespace(name)) removed.push(name);
  }
  const live = new Set(names);
  for (const d of dirs) {
    const prefix = d.slice('tandem-e2e-'.length).split('-')[0] ?? '';
    const m = PREFIX_RE.exec(prefix);
    if (!m || !m[2] || pidAlive(parseInt(m[2], 36)) || [...live].some((n) => n.startsWith(prefix) && !removed.includes(n))) continue;
    if (process.env['TANDEM_E2E_KEEP'] !== '1') rmSync(join(tmp, d), { recursive: true, force: true });
  }
  return removed;
}

export async function createLab(): Promise<Lab> {
  const reason = labSkipReason();
  if (reason) throw new LabError('ERR_LAB_UNAVAILABLE', reason);
  sweepStaleLabs();
  installExitHooks();
  const lab = new LabImpl();
  lab.register();
  return lab;
}

export { delay };

/** Kills every process left in a namespace and deletes it; false when it was not there (or raced). */
function deleteNamespace(name: string): boolean {
  for (const pid of nsPids(name)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  try {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
