// The demo's three real DHCP clients as daemons that stay up (they renew and rebind by themselves),
// each inside its own lab namespace. Every event the client reports to its hook script is dumped to a
// file, so the demo reads what the CLIENT saw. The hook scripts only touch the lab interface.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dhclientStart, fromNewVars } from '../test/helpers/lab/index.ts';
import type { Lab, LabProcess, Ns } from '../test/helpers/lab/index.ts';

export type ClientKind = 'dhclient' | 'udhcpc' | 'dhcpcd';

/** One event as the client reported it: its name and the lease it holds after it (if any). */
export type ClientEvent = { event: string; address: string | null; serverId: string | null; atMs: number };

export interface DemoClient {
  readonly kind: ClientKind;
  readonly proc: LabProcess;
  events(): ClientEvent[];
  /** First event after the first `after` that carries a lease, or null on timeout/exit. */
  waitBound(after: number, timeoutMs: number): Promise<ClientEvent | null>;
  stop(): Promise<void>;
}

const BOUND = new Set(['BOUND', 'RENEW', 'REBIND', 'REBOOT', 'bound', 'renew']);

function hookScript(dir: string, configure: string): string {
  mkdirSync(dir, { recursive: true });
  const path = `${dir}.sh`;
  writeFileSync(path, `#!/bin/sh
D='${dir}'
n=$(ls "$D" | wc -l)
{ echo "__event=$1"; echo "__ms=$(date +%s%3N)"; env; } > "$D/$(printf %05d "$n").env"
${configure}
exit 0
`);
  chmodSync(path, 0o755);
  return path;
}

function readEvents(dir: string, kind: ClientKind): ClientEvent[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.env')).sort().map((f) => {
    const raw: Record<string, string> = {};
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) raw[line.slice(0, i)] = line.slice(i + 1);
    }
    const event = kind === 'udhcpc' ? raw['__event'] ?? '?' : raw['reason'] ?? '?';
    const bound = BOUND.has(event);
    const r = kind === 'udhcpc' ? { address: raw['ip'] ?? null, serverId: raw['serverid'] ?? null } : fromNewVars(raw);
    return { event, address: bound ? r.address : null, serverId: bound ? r.serverId : null, atMs: Number(raw['__ms'] ?? 0) };
  });
}

function client(kind: ClientKind, proc: LabProcess, events: () => ClientEvent[]): DemoClient {
  let exited = false;
  void proc.exited().then(() => (exited = true));
  return {
    kind,
    proc,
    events,
    async waitBound(after, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = events().slice(after).find((e) => e.address !== null);
        if (hit) return hit;
        if (exited || Date.now() > deadline) return null;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => void (await proc.kill('SIGKILL')),
  };
}

/** ISC dhclient in the foreground (the lab's own session helper), events read from its dumps. */
export async function startDhclient(lab: Lab, ns: Ns, ifname: string, hostname: string): Promise<DemoClient> {
  const s = await dhclientStart(lab, ns, ifname, { hostname, timeoutS: 20 });
  const evs = (): ClientEvent[] => s.events().map((raw) => {
    const event = raw['reason'] ?? '?';
    const r = fromNewVars(raw);
    return { event, address: BOUND.has(event) ? r.address : null, serverId: BOUND.has(event) ? r.serverId : null, atMs: 0 };
  });
  return client('dhclient', s.proc, evs);
}

/** busybox udhcpc without -q: stays in the foreground, renews at T1 and rebinds at T2. */
export function startUdhcpc(lab: Lab, ns: Ns, ifname: string): DemoClient {
  const dir = join(lab.tmpdir(), `demo-udhcpc-${ns.name}`);
  const script = hookScript(dir, `case "$1" in
  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/\${mask:-32}" dev "$interface" ;;
  deconfig) ip addr flush dev "$interface" ;;
esac`);
  const argv = ['udhcpc', '-f', '-t', '10', '-T', '1', '-A', '1', '-i', ifname, '-s', script, '-O', 'serverid', '-O', 'lease'];
  return client('udhcpc', lab.spawn(ns, argv), () => readEvents(dir, 'udhcpc'));
}

/**
 * dhcpcd as a foreground daemon (-B). Its state directories are bind-mounted from the lab tmpdir
 * inside the private mount namespace `ip netns exec` gives the process, so nothing lands on the host.
 */
export function startDhcpcd(lab: Lab, ns: Ns, ifname: string): DemoClient {
  const base = join(lab.tmpdir(), `demo-dhcpcd-${ns.name}`);
  const dir = `${base}-ev`;
  const db = `${base}-db`;
  for (const d of [dir, db]) mkdirSync(d, { recursive: true });
  const script = hookScript(dir, ':');
  const conf = `${base}.conf`;
  writeFileSync(conf, '# tandem demo: empty dhcpcd config\n');
  const args = ['dhcpcd', '-4', '-B', '-L', '-A', '-t', '30', '-f', conf, '-c', script, ifname];
  const sh = `mount --bind '${db}' /var/lib/dhcpcd && mount -t tmpfs tandem-demo /run && exec ${args.map((a) => `'${a}'`).join(' ')}`;
  return client('dhcpcd', lab.spawn(ns, ['sh', '-c', sh]), () => readEvents(dir, 'dhcpcd'));
}
