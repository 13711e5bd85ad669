// Common lab shapes, so each e2e test file only says what is special about it.
import { createLab, haveCommand, labSkipReason } from './netns.ts';
import type { Lab, Ns } from './netns.ts';
import { serverSkipReason, startServer } from './servers.ts';
import type { ServerHandle } from './servers.ts';

export type LinkClient = { readonly ns: Ns; readonly ifname: string; readonly mac: string };
export type LinkLab = {
  readonly lab: Lab;
  readonly server: Ns;
  /** the server's interface on the link (a bridge when there are several ports) */
  readonly serverIf: string;
  readonly serverIp: string;
  readonly clients: LinkClient[];
};

/** Skip reason for an e2e file needing `commands` (plus root, ip and the server under test), or null. */
export function e2eSkipReason(commands: string[] = []): string | null {
  const lab = labSkipReason();
  if (lab) return lab;
  const srv = serverSkipReason();
  if (srv) return srv;
  for (const c of commands) if (!haveCommand(c)) return `${c} is not installed`;
  return null;
}

/** A locally administered MAC, unique per lab and index: 02:7d:<3 bytes of prefix hash>:<i>. */
export function clientMac(lab: Lab, i: number): string {
  let h = 2166136261;
  for (const ch of lab.prefix) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const b = [(h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff, i & 0xff];
  return ['02', '7d', ...b.map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

/**
 * One broadcast link: server namespace `s` with a bridge `br0` (address `serverAddr`), and `clients`
 * client namespaces `c1..cN`, each with `eth0` (MAC clientMac(lab, i)) plugged into the bridge.
 * Extra bridge ports (e.g. a squatter) can be added later with lab.veth + `ip link set X master br0`.
 */
export async function singleLinkLab(o: { clients: number; serverAddr?: string }): Promise<LinkLab> {
  const lab = await createLab();
  try {
    const server = await lab.namespace('s');
    const serverAddr = o.serverAddr ?? '10.77.0.1/24';
    const ports: string[] = [];
    const clients: LinkClient[] = [];
    for (let i = 1; i <= o.clients; i++) {
      const ns = await lab.namespace(`c${i}`);
      const mac = clientMac(lab, i);
      await lab.veth(server, `p${i}`, ns, 'eth0', { bMac: mac });
      ports.push(`p${i}`);
      clients.push({ ns, ifname: 'eth0', mac });
    }
    await lab.bridge(server, 'br0', ports, serverAddr);
    return { lab, server, serverIf: 'br0', serverIp: serverAddr.split('/')[0] ?? '', clients };
  } catch (e) {
    await lab.destroy();
    throw e;
  }
}

/** The common part of a Dhcp4 config (Kea syntax): listen on `interfaces`, short-ish lifetimes. */
export function baseDhcp4(interfaces: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'interfaces-config': { interfaces },
    'valid-lifetime': 600,
    'renew-timer': 300,
    'rebind-timer': 525,
    ...extra,
  };
}

const ipNum = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);

/** Whether dotted `addr` lies in the inclusive range `lo`..`hi`. */
export function ipInRange(addr: string | null, lo: string, hi: string): boolean {
  if (addr === null) return false;
  const n = ipNum(addr);
  return n >= ipNum(lo) && n <= ipNum(hi);
}

/** A single-link lab with the server under test started on it (`dhcp4` may depend on the lab, e.g. MACs). */
export async function servedLinkLab(clients: number, dhcp4: object | ((l: LinkLab) => object)): Promise<{ L: LinkLab; srv: ServerHandle }> {
  const L = await singleLinkLab({ clients });
  try {
    const srv = await startServer(L.lab, L.server, typeof dhcp4 === 'function' ? dhcp4(L) : dhcp4);
    return { L, srv };
  } catch (e) {
    await L.lab.destroy();
    throw e;
  }
}

/** Stops the server and removes the lab, whatever state either is in. */
export async function closeServedLink(L: LinkLab | undefined, srv: ServerHandle | undefined): Promise<void> {
  try {
    await srv?.stop();
  } finally {
    await L?.lab.destroy();
  }
}
