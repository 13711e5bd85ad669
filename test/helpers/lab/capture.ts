// Packet capture with tcpdump inside a lab namespace, parsed from the pcap file it writes.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, Ns } from './netns.ts';

export type CapturedPacket = {
  timeMs: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  ethSrc: string;
  ethDst: string;
};

let seq = 0;

export async function capture(lab: Lab, ns: Ns, ifname: string, o: { filter?: string } = {}): Promise<{ stop(): Promise<CapturedPacket[]> }> {
  const file = join(lab.tmpdir(), `cap-${ns.name}-${ifname}-${++seq}.pcap`);
  const argv = ['tcpdump', '-Z', 'root', '--immediate-mode', '-i', ifname, '-n', '-U', '-s', '0', '-w', file, ...(o.filter ? [o.filter] : ['udp'])];
  const proc = lab.spawn(ns, argv);
  await proc.waitFor(/listening on/, 10_000);
  return {
    async stop(): Promise<CapturedPacket[]> {
      await new Promise((r) => setTimeout(r, 300)); // let the last packets reach the file
      await proc.kill('SIGINT');
      if (process.env['TANDEM_E2E_DEBUG']) console.error(proc.output());
      return existsSync(file) ? parsePcap(readFileSync(file)) : [];
    },
  };
}

const mac = (b: Uint8Array, off: number): string =>
  Array.from(b.subarray(off, off + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
const ip = (b: Uint8Array, off: number): string => Array.from(b.subarray(off, off + 4)).join('.');

/** Parse a classic pcap file (Ethernet, Linux SLL or SLL2 link types); keeps IPv4/UDP packets only. */
export function parsePcap(buf: Uint8Array): CapturedPacket[] {
  if (buf.length < 24) return [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magicBE = dv.getUint32(0, false);
  let le: boolean;
  let nano: boolean;
  if (magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d) {
    le = false;
    nano = magicBE === 0xa1b23c4d;
  } else {
    const magicLE = dv.getUint32(0, true);
    if (magicLE !== 0xa1b2c3d4 && magicLE !== 0xa1b23c4d) throw new Error('not a pcap file');
    le = true;
    nano = magicLE === 0xa1b23c4d;
  }
  const linkType = dv.getUint32(20, le);
  const out: CapturedPacket[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const incl = dv.getUint32(off + 8, le);
    const start = off + 16;
    off = start + incl;
    if (off > buf.length) break;
    const pkt = buf.subarray(start, start + incl);
    const timeMs = sec * 1000 + (nano ? frac / 1e6 : frac / 1e3);
    const p = parseFrame(pkt, linkType);
    if (p) out.push({ timeMs, ...p });
  }
  return out;
}

function parseFrame(f: Uint8Array, linkType: number): Omit<CapturedPacket, 'timeMs'> | null {
  let l3: number;
  let ethSrc = '';
  let ethDst = '';
  let etherType: number;
  if (linkType === 1) {
    if (f.length < 14) return null;
    ethDst = mac(f, 0);
    ethSrc = mac(f, 6);
    etherType = (f[12]! << 8) | f[13]!;
    l3 = 14;
    if (etherType === 0x8100 && f.length >= 18) {
      etherType = (f[16]! << 8) | f[17]!;
      l3 = 18;
    }
  } else if (linkType === 113) {
    if (f.length < 16) return null;
    ethSrc = mac(f, 6);
    etherType = (f[14]! << 8) | f[15]!;
    l3 = 16;
  } else if (linkType === 276) {
    if (f.length < 20) return null;
    etherType = (f[0]! << 8) | f[1]!;
    ethSrc = mac(f, 12);
    l3 = 20;
  } else {
    return null;
  }
  if (etherType !== 0x0800 || f.length < l3 + 20) return null;
  const ihl = (f[l3]! & 0x0f) * 4;
  if (f[l3 + 9] !== 17) return null;
  const totalLen = (f[l3 + 2]! << 8) | f[l3 + 3]!;
  const udp = l3 + ihl;
  if (f.length < udp + 8) return null;
  const udpLen = (f[udp + 4]! << 8) | f[udp + 5]!;
  const end = Math.min(f.length, udp + udpLen, l3 + totalLen);
  return {
    srcIp: ip(f, l3 + 12),
    dstIp: ip(f, l3 + 16),
    srcPort: (f[udp]! << 8) | f[udp + 1]!,
    dstPort: (f[udp + 2]! << 8) | f[udp + 3]!,
    payload: f.slice(udp + 8, end),
    ethSrc,
    ethDst,
  };
}

/** Minimal read-only view of a captured DHCPv4 payload, enough for assertions in e2e tests. */
export type DhcpView = {
  op: number;
  xid: number;
  ciaddr: string;
  yiaddr: string;
  giaddr: string;
  chaddr: string;
  messageType: number | null;
  options: Map<number, Uint8Array>;
};

export const DHCP_MSG = { DISCOVER: 1, OFFER: 2, REQUEST: 3, DECLINE: 4, ACK: 5, NAK: 6, RELEASE: 7, INFORM: 8 } as const;

export function dhcpView(p: Uint8Array): DhcpView | null {
  if (p.length < 240) return null;
  if (p[236] !== 99 || p[237] !== 130 || p[238] !== 83 || p[239] !== 99) return null;
  const options = new Map<number, Uint8Array>();
  let i = 240;
  while (i < p.length) {
    const code = p[i]!;
    if (code === 255) break;
    if (code === 0) {
      i++;
      continue;
    }
    const len = p[i + 1];
    if (len === undefined || i + 2 + len > p.length) break;
    const prev = options.get(code);
    const val = p.slice(i + 2, i + 2 + len);
    options.set(code, prev ? new Uint8Array([...prev, ...val]) : val);
    i += 2 + len;
  }
  const mt = options.get(53);
  return {
    op: p[0]!,
    xid: ((p[4]! << 24) | (p[5]! << 16) | (p[6]! << 8) | p[7]!) >>> 0,
    ciaddr: ip(p, 12),
    yiaddr: ip(p, 16),
    giaddr: ip(p, 24),
    chaddr: mac(p, 28),
    messageType: mt && mt.length > 0 ? mt[0]! : null,
    options,
  };
}

/** DHCP views of the captured packets on ports 67/68, in capture order. */
export function dhcpPackets(pkts: CapturedPacket[]): (DhcpView & { pkt: CapturedPacket })[] {
  const out: (DhcpView & { pkt: CapturedPacket })[] = [];
  for (const pkt of pkts) {
    if (![67, 68].includes(pkt.srcPort) && ![67, 68].includes(pkt.dstPort)) continue;
    const v = dhcpView(pkt.payload);
    if (v) out.push({ ...v, pkt });
  }
  return out;
}
