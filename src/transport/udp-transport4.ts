/**
 * DHCPv4 sockets: one pair of UDP sockets per served interface, each bound to its device.
 *
 * Why it is built this way
 * - A DHCPv4 server must know which link a broadcast DISCOVER came from, because the client has no
 *   address yet. Node's dgram cannot say (no IP_PKTINFO, no SO_BINDTODEVICE, rinfo has only the source),
 *   and a socket bound to an interface address does not receive limited broadcasts at all.
 * - So the fds are made natively (koffi → libc; no compiler needed) with SO_BINDTODEVICE set BEFORE
 *   bind(), so no packet from another link can ever be queued on them, and handed to Node with the
 *   documented `dgram.createSocket('udp4').bind({ fd })`. libuv then owns reading and closing.
 *   `socket._handle` (deprecated, DEP0112) is never touched.
 * - Per link there are two sockets, both device-bound, both with SO_REUSEADDR:
 *   · `any`     on 0.0.0.0:serverPort  — receives broadcasts (and unicasts to other addresses of the device);
 *   · `unicast` on linkAddress:serverPort — receives unicasts to the server address (relays, renewing
 *     clients; the kernel prefers the exact-address socket) and SENDS every reply.
 *   Sending from the address-bound socket is what makes the IP source equal the server identifier
 *   (Link4.address). A device-bound 0.0.0.0 socket would source broadcasts from the device's primary
 *   address, which is wrong when the config names a secondary address (`eth0/192.0.2.5`). Verified in
 *   udp-transport4.test.ts with a secondary address.
 * - Relayed requests arrive as unicasts on the relay-facing interface, which must be configured (as in
 *   Kea); replies to giaddr leave through that interface's device-bound socket.
 * - 'unicast-hw' replies (RFC 2131 §4.1: yiaddr at chaddr before the client has its address) first add
 *   an ARP entry with ioctl(SIOCSARP) (ATF_COM, not permanent: the kernel ages it out), then unicast.
 *   If that fails (no privilege, not Ethernet, no route on the device) the reply is broadcast.
 * - Interfaces are polled (os.networkInterfaces() plus if_nametoindex) every rescanMs: a configured
 *   interface that does not exist yet is logged and picked up later; one that disappears (or is
 *   re-created with a new index, which would orphan SO_BINDTODEVICE) is closed; renumbering reopens
 *   only the address-bound socket.
 *
 * Privileges (Linux only): CAP_NET_BIND_SERVICE to bind port 67; CAP_NET_RAW for SO_BINDTODEVICE on
 * kernels before 5.7; CAP_NET_ADMIN for SIOCSARP (without it, 'unicast-hw' falls back to broadcast).
 * With systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_NET_ADMIN.
 */
import dgram from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { InterfaceSpec, ReplyRoute4 } from '../model/index.ts';
import { assertNever, formatIp4, parseIp4 } from '../util/index.ts';
import type { Ip4 } from '../util/index.ts';
import { loadLibcSocket4 } from './libc-socket4.ts';
import type { LibcSocket4 } from './libc-socket4.ts';
import { resolveLinks4, sameLink4 } from './resolve-links4.ts';
import { TransportError } from './transport-error.ts';
import type { Inbound4, Link4, Transport4, TransportLog, UdpTransport4Options } from './types.ts';

const LIMITED_BROADCAST = '255.255.255.255';

type BoundSocket = { readonly socket: dgram.Socket; readonly fd: number };

/** Per served interface. Private and mutable: `link` is swapped when the interface is renumbered. */
type LinkEntry = {
  link: Link4;
  ifIndex: number;
  any: BoundSocket;
  unicast: BoundSocket;
  arpFailureLogged: boolean;
};

function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof TransportError) return { code: error.code, message: error.message, ...error.details };
  if (error instanceof Error) return { code: (error as { code?: unknown }).code ?? null, message: error.message };
  return { message: String(error) };
}

function isPrivilegeError(error: unknown): boolean {
  return error instanceof TransportError && (error.details['errno'] === 'EACCES' || error.details['errno'] === 'EPERM');
}

export function createUdpTransport4(opts: UdpTransport4Options): Transport4 {
  const serverPort = opts.serverPort ?? 67;
  const clientPortOverride = opts.clientPort;
  const rescanMs = opts.rescanMs ?? 5000;
  const log: TransportLog = opts.log ?? (() => {});
  let specs: readonly InterfaceSpec[] = opts.interfaces;
  let libc: LibcSocket4 | null = null;
  let onPacket: ((p: Inbound4) => void) | null = null;
  const entries = new Map<string, LinkEntry>();
  /** Last waiting/failure message per interface, so a 5 s rescan does not repeat the same log line. */
  const reported = new Map<string, string>();
  let timer: NodeJS.Timeout | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let state: 'new' | 'running' | 'closed' = 'new';

  /** A function, not an inline test, because `state` changes across awaits. */
  function isClosed(): boolean {
    return state === 'closed';
  }

  function reportOnce(key: string, id: string, fields: Record<string, unknown>): void {
    const text = `${id} ${JSON.stringify(fields)}`;
    if (reported.get(key) === text) return;
    reported.set(key, text);
    log(id, fields);
  }

  function deliver(entry: LinkEntry, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const receivedAtMs = performance.now();
    const handler = onPacket;
    if (handler === null) return;
    try {
      const result = handler({
        data: msg,
        link: entry.link,
        source: { address: parseIp4(rinfo.address) ?? 0, port: rinfo.port },
        receivedAtMs,
      }) as unknown;
      if (result instanceof Promise) result.catch((error: unknown) => packetFailed(entry, error));
    } catch (error) {
      packetFailed(entry, error);
    }
  }

  function packetFailed(entry: LinkEntry, error: unknown): void {
    log('DHCP4_PACKET_PROCESSING_FAILED', { ifname: entry.link.ifname, ...errorFields(error) });
  }

  async function openSocket(c: LibcSocket4, ifname: string, address: Ip4): Promise<BoundSocket> {
    const fd = c.openDeviceSocket(ifname, serverPort, address);
    const socket = dgram.createSocket({ type: 'udp4' });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ fd }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (cause) {
      try { socket.close(); } catch { c.closeFd(fd); }
      throw new TransportError('ERR_TRANSPORT_SOCKET', `${ifname}: dgram bind({ fd }) failed: ${String(cause)}`, { ifname, call: 'dgram.bind' }, cause);
    }
    return { socket, fd };
  }

  function closeSocket(bound: BoundSocket): Promise<void> {
    return new Promise((resolve) => {
      try {
        bound.socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }

  function listen(entry: LinkEntry, bound: BoundSocket): void {
    bound.socket.on('message', (msg, rinfo) => deliver(entry, msg, rinfo));
    bound.socket.on('error', (error) => {
      // A socket error after setup (rare: device gone under us). Drop the link; the next rescan reopens it.
      log('TRANSPORT_SOCKET_FAILED', { ifname: entry.link.ifname, ...errorFields(error) });
      if (entries.get(entry.link.ifname) === entry) {
        entries.delete(entry.link.ifname);
        void closeEntry(entry);
      }
    });
  }

  async function closeEntry(entry: LinkEntry): Promise<void> {
    await Promise.all([closeSocket(entry.any), closeSocket(entry.unicast)]);
  }

  async function openEntry(c: LibcSocket4, link: Link4, ifIndex: number): Promise<LinkEntry> {
    const any = await openSocket(c, link.ifname, 0);
    let unicast: BoundSocket;
    try {
      unicast = await openSocket(c, link.ifname, link.address);
    } catch (error) {
      await closeSocket(any);
      throw error;
    }
    const entry: LinkEntry = { link, ifIndex, any, unicast, arpFailureLogged: false };
    listen(entry, any);
    listen(entry, unicast);
    return entry;
  }

  /** Brings the open sockets in line with the specs and the machine. Returns failures from this pass. */
  async function reconcile(): Promise<TransportError[]> {
    const c = libc;
    if (c === null || state === 'closed') return [];
    const failures: TransportError[] = [];
    const { links, waiting } = resolveLinks4(specs, networkInterfaces());
    const wanted = new Map<string, { link: Link4; ifIndex: number }>();
    for (const link of links) {
      const ifIndex = c.ifIndex(link.ifname);
      if (ifIndex !== 0) wanted.set(link.ifname, { link, ifIndex });
    }
    for (const w of waiting) reportOnce(w.name, 'TRANSPORT_LINK_WAITING', { ifname: w.name, reason: w.reason });

    for (const [ifname, entry] of [...entries]) {
      const next = wanted.get(ifname);
      if (next !== undefined && next.ifIndex === entry.ifIndex) continue;
      entries.delete(ifname);
      await closeEntry(entry);
      log('TRANSPORT_LINK_DOWN', { ifname, reason: next === undefined ? 'gone-or-unconfigured' : 'interface-recreated' });
    }
    for (const [ifname, { link, ifIndex }] of wanted) {
      if (isClosed()) break;
      const entry = entries.get(ifname);
      try {
        if (entry === undefined) {
          const opened = await openEntry(c, link, ifIndex);
          if (isClosed()) {
            await closeEntry(opened);
            break;
          }
          entries.set(ifname, opened);
          for (const key of [...reported.keys()]) if (key === ifname || key.startsWith(`${ifname}/`)) reported.delete(key);
          log('TRANSPORT_LINK_UP', { ifname, address: formatIp4(link.address), prefixLength: link.prefixLength });
        } else if (!sameLink4(entry.link, link)) {
          if (entry.link.address !== link.address) {
            const unicast = await openSocket(c, ifname, link.address);
            const old = entry.unicast;
            entry.unicast = unicast;
            listen(entry, unicast);
            await closeSocket(old);
          }
          log('TRANSPORT_LINK_CHANGED', { ifname, from: formatIp4(entry.link.address), address: formatIp4(link.address), prefixLength: link.prefixLength });
          entry.link = link;
        }
      } catch (error) {
        const failure = error instanceof TransportError ? error
          : new TransportError('ERR_TRANSPORT_SOCKET', `${ifname}: ${String(error)}`, { ifname }, error);
        failures.push(failure);
        reportOnce(`${ifname}/socket`, 'TRANSPORT_SOCKET_FAILED', { ifname, ...errorFields(failure) });
      }
    }
    return failures;
  }

  function enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  }

  function scheduleRescan(): void {
    if (state !== 'running') return;
    timer = setTimeout(() => {
      timer = null;
      void enqueue(reconcile).finally(scheduleRescan);
    }, rescanMs);
  }

  function sendTo(socket: dgram.Socket, data: Uint8Array, port: number, address: string): Promise<void> {
    return new Promise((resolve, reject) => {
      socket.send(data, port, address, (error) => {
        if (error === null || error === undefined) resolve();
        else reject(new TransportError('ERR_TRANSPORT_SEND', `send to ${address}:${port} failed: ${error.message}`, { address, port }, error));
      });
    });
  }

  async function sendUnicastHw(entry: LinkEntry, data: Uint8Array, route: Extract<ReplyRoute4, { kind: 'unicast-hw' }>, port: number): Promise<void> {
    const socket = entry.unicast.socket;
    try {
      libc!.setArp(entry.unicast.fd, entry.link.ifname, route.to, route.hwAddress);
      await sendTo(socket, data, port, formatIp4(route.to));
      return;
    } catch (error) {
      if (!entry.arpFailureLogged) {
        entry.arpFailureLogged = true;
        log('TRANSPORT_SEND_FALLBACK', { ifname: entry.link.ifname, to: formatIp4(route.to), fallback: 'broadcast', ...errorFields(error) });
      }
    }
    await sendTo(socket, data, port, LIMITED_BROADCAST);
  }

  async function close(): Promise<void> {
    if (state === 'closed') return;
    state = 'closed';
    if (timer !== null) clearTimeout(timer);
    timer = null;
    await queue;
    const open = [...entries.values()];
    entries.clear();
    await Promise.all(open.map(closeEntry));
    onPacket = null;
  }

  return {
    async start(handler) {
      if (state !== 'new') throw new TransportError('ERR_TRANSPORT_CLOSED', 'transport already started or closed');
      libc = await loadLibcSocket4();
      onPacket = handler;
      state = 'running';
      const failures = await enqueue(reconcile);
      const fatal = failures.find(isPrivilegeError);
      if (fatal !== undefined) {
        await close();
        throw fatal;
      }
      scheduleRescan();
    },

    send(link, data, route) {
      if (state === 'closed') return Promise.reject(new TransportError('ERR_TRANSPORT_CLOSED', 'transport is closed'));
      const entry = entries.get(link.ifname);
      if (entry === undefined) {
        return Promise.reject(new TransportError('ERR_TRANSPORT_LINK_DOWN', `${link.ifname}: no open socket`, { ifname: link.ifname }));
      }
      const socket = entry.unicast.socket;
      switch (route.kind) {
        case 'relay':
          return sendTo(socket, data, route.port, formatIp4(route.to));
        case 'unicast':
          return sendTo(socket, data, clientPortOverride ?? route.port, formatIp4(route.to));
        case 'unicast-hw':
          return sendUnicastHw(entry, data, route, clientPortOverride ?? route.port);
        case 'broadcast':
          return sendTo(socket, data, clientPortOverride ?? route.port, LIMITED_BROADCAST);
        default:
          return assertNever(route);
      }
    },

    links() {
      return [...entries.values()].map((e) => e.link);
    },

    async reconfigure(interfaces) {
      specs = interfaces;
      reported.clear();
      if (state === 'running') await enqueue(reconcile);
    },

    close,
  };
}
