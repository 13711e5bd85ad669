// Real DHCP clients run inside a lab namespace. Each call returns what the CLIENT saw, read from the
// environment its hook script was given. The scripts never touch the host: they only dump their
// environment and set the address on the lab interface.
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, LabProcess, Ns } from './netns.ts';

export type ClientResult = {
  address: string | null;
  prefixLength?: number;
  routers: string[];
  dns: string[];
  domain: string | null;
  ntp: string[];
  hostname: string | null;
  serverId: string | null;
  leaseTime: number | null;
  raw: Record<string, string>;
};

export type ClientOptions = {
  /** hex, e.g. '01aabbccddeeff' (option 61 value) */
  clientId?: string;
  hostname?: string;
  timeoutS?: number;
  leaseFile?: string;
};

let seq = 0;

/** A hook script that dumps its environment into `dumpDir` (clients do not pass their own env on). */
function dumpScript(dumpDir: string, kind: 'dhclient' | 'udhcpc' | 'dhcpcd'): string {
  mkdirSync(dumpDir, { recursive: true });
  const path = `${dumpDir}.sh`;
  const configure =
    kind === 'dhclient'
      ? `case "$reason" in
  BOUND|RENEW|REBIND|REBOOT) ip addr flush dev "$interface"; ip addr add "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  EXPIRE|FAIL|RELEASE|STOP) ip addr flush dev "$interface" ;;
esac`
      : kind === 'udhcpc'
        ? `case "$1" in
  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/\${mask:-32}" dev "$interface" ;;
  deconfig) ip addr flush dev "$interface" ;;
esac`
        : ':'; // dhcpcd configures the interface itself
  writeFileSync(
    path,
    `#!/bin/sh
# tandem e2e lab: dump the client's environment, one file per event (${kind}).
D='${dumpDir}'
n=$(ls "$D" | wc -l)
{ echo "__event=$1"; env; } > "$D/$(printf %05d "$n").env"
${configure}
exit 0
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function readDumps(dir: string): Record<string, string>[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.env'))
    .sort()
    .map((f) => {
      const rec: Record<string, string> = {};
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const i = line.indexOf('=');
        if (i > 0) rec[line.slice(0, i)] = line.slice(i + 1);
      }
      return rec;
    });
}

const words = (s: string | undefined): string[] => (s ? s.split(/[\s,]+/).filter(Boolean) : []);
const num = (s: string | undefined): number | null => (s !== undefined && s !== '' && Number.isFinite(Number(s)) ? Number(s) : null);

function maskToPrefix(mask: string | undefined): number | undefined {
  if (!mask) return undefined;
  if (/^\d+$/.test(mask)) return Number(mask);
  const bits = mask.split('.').reduce((acc, o) => acc + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
  return bits;
}

const EMPTY: ClientResult = { address: null, routers: [], dns: [], domain: null, ntp: [], hostname: null, serverId: null, leaseTime: null, raw: {} };

/** dhclient / dhcpcd environment (new_* variables). */
export function fromNewVars(raw: Record<string, string>): ClientResult {
  const r: ClientResult = {
    address: raw['new_ip_address'] ?? null,
    routers: words(raw['new_routers']),
    dns: words(raw['new_domain_name_servers']),
    domain: raw['new_domain_name'] ?? null,
    ntp: words(raw['new_ntp_servers']),
    hostname: raw['new_host_name'] ?? null,
    serverId: raw['new_dhcp_server_identifier'] ?? null,
    leaseTime: num(raw['new_dhcp_lease_time']),
    raw,
  };
  const p = maskToPrefix(raw['new_subnet_cidr'] ?? raw['new_subnet_mask']);
  if (p !== undefined) r.prefixLength = p;
  return r;
}

function fromUdhcpc(raw: Record<string, string>): ClientResult {
  const r: ClientResult = {
    address: raw['ip'] ?? null,
    routers: words(raw['router']),
    dns: words(raw['dns']),
    domain: raw['domain'] ?? null,
    ntp: words(raw['ntpsrv']),
    hostname: raw['hostname'] ?? null,
    serverId: raw['serverid'] ?? null,
    leaseTime: num(raw['lease']),
    raw,
  };
  const p = maskToPrefix(raw['mask'] ?? raw['subnet']);
  if (p !== undefined) r.prefixLength = p;
  return r;
}

const DHCLIENT_BOUND = new Set(['BOUND', 'RENEW', 'REBIND', 'REBOOT']);

function lastBound(dumps: Record<string, string>[], isBound: (d: Record<string, string>) => boolean): Record<string, string> | null {
  for (let i = dumps.length - 1; i >= 0; i--) {
    const d = dumps[i];
    if (d && isBound(d)) return d;
  }
  return null;
}

export interface DhclientSession {
  readonly proc: LabProcess;
  readonly leaseFile: string;
  /** Every event the script saw so far, oldest first (raw env; `reason` is the dhclient reason). */
  events(): Record<string, string>[];
  /** Resolves with the first bound-type event after `after` events, or null on timeout/exit. */
  waitBound(after: number, timeoutMs: number): Promise<ClientResult | null>;
  stop(): Promise<void>;
}

/** Start dhclient in the foreground (-d -1) and leave it running (it renews and rebinds by itself). */
export async function dhclientStart(lab: Lab, ns: Ns, ifname: string, o: ClientOptions = {}): Promise<DhclientSession> {
  const dir = lab.tmpdir();
  const tag = `dhc-${ns.name}-${ifname}-${++seq}`;
  const dumpDir = join(dir, tag);
  mkdirSync(dumpDir, { recursive: true });
  const script = dumpScript(dumpDir, 'dhclient');
  const leaseFile = o.leaseFile ?? join(dir, `dhclient-${ns.name}-${ifname}.leases`);
  const cf = dhclientConf(dir, tag, o);
  const pf = join(dir, `${tag}.pid`);
  const proc = lab.spawn(ns, ['dhclient', '-4', '-d', '-1', '-v', '-lf', leaseFile, '-pf', pf, '-cf', cf, '-sf', script, ifname]);
  const events = (): Record<string, string>[] => readDumps(dumpDir);
  const waitBound = async (after: number, timeoutMs: number): Promise<ClientResult | null> => {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void proc.exited().then(() => (exited = true));
    for (;;) {
      const evs = events().slice(after);
      const b = lastBound(evs, (d) => DHCLIENT_BOUND.has(d['reason'] ?? ''));
      if (b) return fromNewVars(b);
      if (exited || Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { proc, leaseFile, events, waitBound, stop: async () => void (await proc.kill('SIGKILL')) };
}

function dhclientConf(dir: string, tag: string, o: ClientOptions): string {
  const lines = [
    `timeout ${o.timeoutS ?? 15};`,
    'retry 60;',
    'initial-interval 1;',
    'backoff-cutoff 2;',
    'request subnet-mask, broadcast-address, routers, domain-name-servers, domain-name, host-name, ntp-servers, dhcp-lease-time, dhcp-server-identifier;',
  ];
  if (o.hostname !== undefined) lines.push(`send host-name "${o.hostname}";`);
  if (o.clientId !== undefined) lines.push(`send dhcp-client-identifier ${hexColons(o.clientId)};`);
  const cf = join(dir, `${tag}.conf`);
  writeFileSync(cf, lines.join('\n') + '\n');
  return cf;
}

const hexColons = (hex: string): string => (hex.replace(/[^0-9a-fA-F]/g, '').match(/../g) ?? []).join(':');

/** dhclient once: returns the lease it got (then stops the client without releasing), or address null. */
export async function dhclient(lab: Lab, ns: Ns, ifname: string, o: ClientOptions = {}): Promise<ClientResult> {
  const s = await dhclientStart(lab, ns, ifname, o);
  try {
    return (await s.waitBound(0, ((o.timeoutS ?? 15) + 5) * 1000)) ?? { ...EMPTY, raw: { output: s.proc.output() } };
  } finally {
    await s.stop();
  }
}

/** `dhclient -r` with the given lease file: sends DHCPRELEASE for the lease in it. */
export async function dhclientRelease(lab: Lab, ns: Ns, ifname: string, leaseFile: string): Promise<void> {
  const dir = lab.tmpdir();
  const tag = `dhr-${ns.name}-${ifname}-${++seq}`;
  const script = dumpScript(join(dir, tag), 'dhclient');
  const cf = dhclientConf(dir, tag, {});
  const r = await lab.exec(ns, ['dhclient', '-4', '-r', '-v', '-lf', leaseFile, '-pf', join(dir, `${tag}.pid`), '-cf', cf, '-sf', script, ifname], {
    timeoutMs: 20_000,
  });
  if (r.code !== 0) throw new Error(`dhclient -r failed (${r.code}): ${r.stderr}`);
}

/** busybox udhcpc: 5 DISCOVERs one second apart, quit after the lease (-q) or exit on failure (-n). */
export async function udhcpc(lab: Lab, ns: Ns, ifname: string, o: ClientOptions = {}): Promise<ClientResult> {
  const dir = lab.tmpdir();
  const tag = `udh-${ns.name}-${ifname}-${++seq}`;
  const dumpDir = join(dir, tag);
  mkdirSync(dumpDir, { recursive: true });
  const script = dumpScript(dumpDir, 'udhcpc');
  const tries = Math.max(1, Math.min(30, o.timeoutS ?? 5));
  const argv = ['udhcpc', '-f', '-q', '-n', '-t', String(tries), '-T', '1', '-A', '1', '-i', ifname, '-s', script];
  for (const opt of ['ntpsrv', 'domain', 'dns', 'router', 'hostname', 'lease', 'serverid']) argv.push('-O', opt);
  if (o.hostname !== undefined) argv.push('-x', `hostname:${o.hostname}`);
  if (o.clientId !== undefined) argv.push('-x', `0x3d:${o.clientId.replace(/[^0-9a-fA-F]/g, '')}`);
  const r = await lab.exec(ns, argv, { timeoutMs: (tries + 10) * 1000 });
  const b = lastBound(readDumps(dumpDir), (d) => d['__event'] === 'bound' || d['__event'] === 'renew');
  return b ? fromUdhcpc(b) : { ...EMPTY, raw: { output: r.stdout + r.stderr } };
}

export type DhcpcdOptions = ClientOptions & { /** pass -A to skip the ARP probe (default: probe) */ noArp?: boolean };

/**
 * dhcpcd -4 -1 (oneshot). dhcpcd keeps state in /var/lib/dhcpcd and /run/dhcpcd; both are
 * bind-mounted from the lab tmpdir inside the private mount namespace `ip netns exec` creates,
 * so parallel runs never share or leave files on the host.
 */
export async function dhcpcd(lab: Lab, ns: Ns, ifname: string, o: DhcpcdOptions = {}): Promise<ClientResult> {
  const dir = lab.tmpdir();
  const tag = `dcd-${ns.name}-${ifname}-${++seq}`;
  const dumpDir = join(dir, tag);
  const db = join(dir, `${tag}-db`);
  const runDir = join(dir, `${tag}-run`);
  for (const d of [dumpDir, db, runDir]) mkdirSync(d, { recursive: true });
  const script = dumpScript(dumpDir, 'dhcpcd');
  const conf = join(dir, `${tag}.conf`);
  writeFileSync(conf, '# tandem e2e: empty dhcpcd config\n');
  const timeout = o.timeoutS ?? 15;
  const args = ['dhcpcd', '-4', '-1', '-B', '-L', '-d', '-t', String(timeout), '-f', conf, '-c', script];
  for (const opt of ['routers', 'domain_name_servers', 'domain_name', 'ntp_servers', 'host_name']) args.push('-o', opt);
  if (o.hostname !== undefined) args.push('-h', o.hostname);
  if (o.clientId !== undefined) args.push('-I', hexColons(o.clientId));
  if (o.noArp) args.push('-A');
  args.push(ifname);
  const sh = `mount --bind ${db} /var/lib/dhcpcd && mount -t tmpfs tandem-e2e /run && exec ${args.map(shq).join(' ')}`;
  const r = await lab.exec(ns, ['sh', '-c', sh], { timeoutMs: (timeout + 15) * 1000 });
  const b = lastBound(readDumps(dumpDir), (d) => ['BOUND', 'RENEW', 'REBIND', 'REBOOT', 'STATIC'].includes(d['reason'] ?? ''));
  return b ? fromNewVars(b) : { ...EMPTY, raw: { output: r.stdout + r.stderr } };
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
