// An HA pair lab: two tandem servers on one client LAN, with their partner traffic on a link of its own.
//
//   client LAN 10.77.0.0/24 (namespace `sw`, bridge br0)          HA link 10.99.0.0/30
//   ┌────────────┐ eth0 ── p1 ┐                                  ┌────────────┐
//   │ P  server1 │ 10.77.0.2  ├─ br0 ─ c1..cN ── eth0 (clients)  │            │
//   │  (primary) │ ha0 ───────┼──────────────────────────────────┼── ha0      │
//   └────────────┘ 10.99.0.1  │                                  │ 10.99.0.2  │
//                 eth0 ── p2 ─┘  10.77.0.3                       │ S server2  │
//                                                                └────────────┘
// The HA link is a veth pair directly between the two server namespaces, so a test can cut it
// (`cutHaLink`) while both servers still see every client. Each server gets its own Kea-style config
// (same subnets; `high-availability` with both peers' urls on the HA link) and a Unix control socket
// in the lab's temp dir, reached directly from the test process (path sockets ignore netns).
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createLab, delay, LabError } from './netns.ts';
import type { Lab, Ns } from './netns.ts';
import { serverKind, startServer } from './servers.ts';
import type { ServerHandle } from './servers.ts';
import { clientMac, e2eSkipReason } from './builders.ts';
import type { LinkClient } from './builders.ts';
import { createControlClient } from '../../../src/control-client/index.ts';
import type { ControlResponse } from '../../../src/control-client/index.ts';

export type HaMode = 'hot-standby' | 'load-balancing';
export type HaServerName = 'server1' | 'server2';

export const HA_LAN = {
  prefix: 24,
  subnet: '10.77.0.0/24',
  router: '10.77.0.1',
  primary: '10.77.0.2',
  standby: '10.77.0.3',
  pool: ['10.77.0.100', '10.77.0.199'] as const,
} as const;
export const HA_LINK = { primary: '10.99.0.1', standby: '10.99.0.2', prefix: 30, port: 8001 } as const;

/** One server's place in the lab (its namespace, addresses, url and control socket). */
export type HaSide = {
  readonly name: HaServerName;
  readonly ns: Ns;
  readonly lanIp: string;
  readonly lanMac: string;
  readonly haIp: string;
  readonly url: string;
  readonly socket: string;
};

export type HaNet = {
  readonly lab: Lab;
  /** the "switch": bridge br0 with ports p1 (primary), p2 (standby), c1..cN (clients) */
  readonly sw: Ns;
  readonly primary: HaSide;
  readonly standby: HaSide;
  readonly clients: LinkClient[];
};

/** What a test may change in the configs. `ha` is merged into the relationship of both servers. */
export type HaOverrides = {
  readonly clients?: number;
  readonly ha?: Record<string, unknown>;
  readonly dhcp4?: Record<string, unknown>;
  /** per-server changes, applied last (e.g. a wrong shared-secret on one side) */
  readonly server1?: { readonly ha?: Record<string, unknown>; readonly dhcp4?: Record<string, unknown> };
  readonly server2?: { readonly ha?: Record<string, unknown>; readonly dhcp4?: Record<string, unknown> };
  /** environment for one server's process (e.g. libfaketime), see `fakeTimeEnv` */
  readonly env?: Partial<Record<HaServerName, Record<string, string>>>;
  /** the relationship's shared-secret (default: a random one; null: none) */
  readonly secret?: string | null;
  /** which servers startHaPair starts (default both) */
  readonly start?: readonly HaServerName[];
};

/** Skip reason for an HA e2e file, or null. The HA lab runs tandem only (Kea 2.2 HA needs kea-ctrl-agent). */
export function haSkipReason(commands: string[] = []): string | null {
  const r = e2eSkipReason(commands);
  if (r) return r;
  return serverKind() === 'tandem' ? null : 'the HA lab runs tandem only (Kea 2.2 HA needs kea-ctrl-agent as its listener)';
}

/** The network only: switch, both server namespaces with LAN and HA links, N client namespaces. */
export async function haNet(o: { clients?: number } = {}): Promise<HaNet> {
  const lab = await createLab();
  try {
    const sw = await lab.namespace('sw');
    const p = await lab.namespace('p');
    const s = await lab.namespace('s');
    const mac = (i: number): string => clientMac(lab, 0xf0 + i).replace(/^02:7d/, '02:7e');
    const primary: HaSide = side(lab, 'server1', p, HA_LAN.primary, mac(1), HA_LINK.primary);
    const standby: HaSide = side(lab, 'server2', s, HA_LAN.standby, mac(2), HA_LINK.standby);
    await lab.veth(p, 'eth0', sw, 'p1', { aAddr: `${primary.lanIp}/${HA_LAN.prefix}`, aMac: primary.lanMac });
    await lab.veth(s, 'eth0', sw, 'p2', { aAddr: `${standby.lanIp}/${HA_LAN.prefix}`, aMac: standby.lanMac });
    await lab.veth(p, 'ha0', s, 'ha0', { aAddr: `${primary.haIp}/${HA_LINK.prefix}`, bAddr: `${standby.haIp}/${HA_LINK.prefix}` });
    const ports = ['p1', 'p2'];
    const clients: LinkClient[] = [];
    for (let i = 1; i <= (o.clients ?? 1); i++) {
      const ns = await lab.namespace(`c${i}`);
      const m = clientMac(lab, i);
      await lab.veth(sw, `c${i}`, ns, 'eth0', { bMac: m });
      ports.push(`c${i}`);
      clients.push({ ns, ifname: 'eth0', mac: m });
    }
    await lab.bridge(sw, 'br0', ports);
    return { lab, sw, primary, standby, clients };
  } catch (e) {
    await lab.destroy();
    throw e;
  }
}

function side(lab: Lab, name: HaServerName, ns: Ns, lanIp: string, lanMac: string, haIp: string): HaSide {
  return { name, ns, lanIp, lanMac, haIp, url: `http://${haIp}:${HA_LINK.port}/`, socket: join(lab.tmpdir(), `ctrl-${name}.sock`) };
}

/** The relationship's defaults for the lab: short timers so a failover takes seconds. */
export function haRelationship(net: HaNet, me: HaSide, mode: HaMode, secret: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const secondRole = mode === 'hot-standby' ? 'standby' : 'secondary';
  const rel: Record<string, unknown> = {
    'this-server-name': me.name,
    mode,
    'heartbeat-delay': 1000,
    'max-response-delay': 3000,
    'max-ack-delay': 1000,
    'max-unacked-clients': 0,
    'sync-timeout': 10000,
    mclt: 60,
    peers: [
      { name: net.primary.name, url: net.primary.url, role: 'primary', 'auto-failover': true },
      { name: net.standby.name, url: net.standby.url, role: secondRole, 'auto-failover': true },
    ],
    ...extra,
  };
  if (secret !== null && !('shared-secret' in extra)) rel['shared-secret'] = secret;
  return rel;
}

/** One server's whole Dhcp4 object (Kea syntax; startServer adds the lease database). */
export function haDhcp4(net: HaNet, me: HaSide, mode: HaMode, secret: string | null, o: HaOverrides = {}): Record<string, unknown> {
  const mine = o[me.name] ?? {};
  return {
    'interfaces-config': { interfaces: ['eth0'] },
    'control-socket': { 'socket-type': 'unix', 'socket-name': me.socket },
    'valid-lifetime': 30,
    'renew-timer': 5,
    'rebind-timer': 10,
    subnet4: [{
      id: 1,
      subnet: HA_LAN.subnet,
      pools: [{ pool: `${HA_LAN.pool[0]} - ${HA_LAN.pool[1]}` }],
      'option-data': [{ name: 'routers', data: HA_LAN.router }],
    }],
    ...o.dhcp4,
    ...mine.dhcp4,
    'high-availability': [haRelationship(net, me, mode, secret, { ...o.ha, ...mine.ha })],
  };
}

/** Kea's status-get `high-availability` part, read tolerantly (a list of one relationship or the object). */
export type HaStatus = { state: string | null; partnerState: string | null; raw: unknown };

export type HaServer = HaSide & {
  readonly srv: ServerHandle;
  readonly dhcp4: Record<string, unknown>;
  /** started by startHaPair (or by `start()`) and not stopped since */
  running(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  call(command: string, args?: object): Promise<ControlResponse>;
  haStatus(): Promise<HaStatus>;
};

export type HaPair = {
  readonly net: HaNet;
  readonly lab: Lab;
  readonly mode: HaMode;
  readonly secret: string | null;
  readonly primary: HaServer;
  readonly standby: HaServer;
  byLanIp(ip: string | null): HaServer | null;
  partnerOf(s: HaServer): HaServer;
  /** Until `s` reports one of `states` in status-get; resolves with the state, throws on timeout. */
  waitState(s: HaServer, states: readonly string[], timeoutMs: number): Promise<string>;
  /** Until both report the normal state of the mode (hot-standby / load-balancing). */
  waitNormal(timeoutMs: number): Promise<void>;
  cutHaLink(): Promise<void>;
  healHaLink(): Promise<void>;
  destroy(): Promise<void>;
};

export const normalState = (mode: HaMode): string => mode;

/** libfaketime for one server process (as `faketime -f OFFSET` sets it up), e.g. fakeTimeEnv('+45s'). */
export function fakeTimeEnv(offset: string): Record<string, string> {
  return { LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1', FAKETIME: offset, FAKETIME_DONT_RESET: '1' };
}

/**
 * Runs `f` (which must spawn synchronously, as startServer and ServerHandle.start do before their
 * first await) with `env` added to process.env, so only the process spawned then inherits it.
 */
function withEnv<T>(env: Record<string, string> | undefined, f: () => Promise<T>): Promise<T> {
  if (!env) return f();
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  try {
    return f();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Builds the network (unless given) and starts the pair with the lab configs plus `o`. */
export async function startHaPair(mode: HaMode, o: HaOverrides = {}, given?: HaNet): Promise<HaPair> {
  const net = given ?? (await haNet({ clients: o.clients ?? 1 }));
  const secret = o.secret === undefined ? `e2e-${randomBytes(12).toString('hex')}` : o.secret;
  try {
    const mk = (me: HaSide): Promise<HaServer> => makeServer(net, me, haDhcp4(net, me, mode, secret, o), o.env?.[me.name], (o.start ?? ['server1', 'server2']).includes(me.name));
    const primary = await mk(net.primary);
    const standby = await mk(net.standby);
    return pairOf(net, mode, secret, primary, standby);
  } catch (e) {
    if (!given) await net.lab.destroy();
    throw e;
  }
}

async function makeServer(net: HaNet, me: HaSide, dhcp4: Record<string, unknown>, env: Record<string, string> | undefined, startNow: boolean): Promise<HaServer> {
  let srv: ServerHandle | null = null;
  let running = false;
  const control = createControlClient({ socket: me.socket }, { timeoutMs: 10_000 });
  const handle = (): ServerHandle => {
    if (!srv) throw new LabError('ERR_LAB_HA_NOT_STARTED', `${me.name} was never started`);
    return srv;
  };
  const start = async (): Promise<void> => {
    if (srv) await withEnv(env, () => srv!.start());
    else srv = await withEnv(env, () => startServer(net.lab, me.ns, dhcp4, { kind: 'tandem' }));
    running = true;
    // DHCP4_STARTED may be logged before the control socket listens: wait until it answers.
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await control.call('status-get');
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new LabError('ERR_LAB_HA_CONTROL', `${me.name}'s control socket ${me.socket} does not answer: ${String(e)}`, { cause: e });
        await delay(100);
      }
    }
  };
  if (startNow) await start();
  const s: HaServer = {
    ...me,
    get srv() {
      return handle();
    },
    dhcp4,
    running: () => running,
    start,
    stop: async () => {
      running = false;
      await srv?.stop();
    },
    kill9: async () => {
      running = false;
      await srv?.kill9();
    },
    call: (command, args) => control.call(command, args),
    haStatus: async () => parseHaStatus(await control.call('status-get')),
  };
  return s;
}

/** The local and partner state from a status-get response (Kea: `ha-servers.local.state`, `remote.last-state`). */
export function parseHaStatus(r: ControlResponse): HaStatus {
  let ha: unknown = r.arguments?.['high-availability'];
  if (Array.isArray(ha)) ha = ha[0];
  const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const h = obj(ha);
  const servers = obj(h?.['ha-servers']);
  const local = obj(servers?.['local']);
  const remote = obj(servers?.['remote']);
  return {
    state: str(local?.['state']) ?? str(h?.['state']),
    partnerState: str(remote?.['last-state']) ?? str(obj(h?.['partner'])?.['state']),
    raw: ha ?? null,
  };
}

function pairOf(net: HaNet, mode: HaMode, secret: string | null, primary: HaServer, standby: HaServer): HaPair {
  const waitState = async (s: HaServer, states: readonly string[], timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    for (;;) {
      try {
        const st = await s.haStatus();
        last = JSON.stringify(st.raw);
        if (st.state !== null && states.includes(st.state)) return st.state;
      } catch (e) {
        last = String(e);
      }
      if (Date.now() > deadline) {
        throw new LabError('ERR_LAB_HA_STATE', `${s.name} did not reach ${states.join('|')} in ${timeoutMs} ms; last status: ${last}\n--- log tail:\n${s.running() ? s.srv.output().slice(-3000) : '(stopped)'}`);
      }
      await delay(250);
    }
  };
  const link = async (up: 'up' | 'down'): Promise<void> => {
    await net.lab.ip(net.primary.ns, ['link', 'set', 'ha0', up]);
    await net.lab.ip(net.standby.ns, ['link', 'set', 'ha0', up]);
    if (up === 'up') {
      await net.lab.waitCarrier(net.primary.ns, 'ha0');
      await net.lab.waitCarrier(net.standby.ns, 'ha0');
    }
  };
  return {
    net,
    lab: net.lab,
    mode,
    secret,
    primary,
    standby,
    byLanIp: (ip) => (ip === primary.lanIp ? primary : ip === standby.lanIp ? standby : null),
    partnerOf: (s) => (s.name === primary.name ? standby : primary),
    waitState,
    waitNormal: async (timeoutMs) => {
      await Promise.all([waitState(primary, [normalState(mode)], timeoutMs), waitState(standby, [normalState(mode)], timeoutMs)]);
    },
    cutHaLink: () => link('down'),
    healHaLink: () => link('up'),
    destroy: async () => {
      try {
        await Promise.allSettled([primary.running() ? primary.stop() : null, standby.running() ? standby.stop() : null]);
      } finally {
        await net.lab.destroy();
      }
    },
  };
}
