// Hand-built DHCPv4 payloads and a tiny, independent decoder used as a test oracle.
// Deliberately does not use src/codec: e2e assertions must not share the code under test.

export const BOOTP_HEADER_LEN = 236;
export const MAGIC_COOKIE = [99, 130, 83, 99] as const;
export const MIN_DHCP4_LEN = BOOTP_HEADER_LEN + 4; // header + cookie: anything shorter cannot be DHCP

export const MsgType4 = { DISCOVER: 1, OFFER: 2, REQUEST: 3, DECLINE: 4, ACK: 5, NAK: 6, RELEASE: 7, INFORM: 8 } as const;

export type Dhcp4Draft = {
  op?: number;
  xid: number;
  chaddr: Uint8Array; // up to 16 bytes
  hlen?: number;
  flags?: number;
  ciaddr?: string;
  giaddr?: string;
  /** [code, data] in order; END is appended. */
  options: Array<[number, Uint8Array]>;
  /** pad the packet to at least this many bytes (300 is what most clients send). */
  minLength?: number;
};

function ipBytes(text: string): number[] {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`bad IPv4 address ${text}`);
  }
  return parts;
}

export function ip4Bytes(text: string): Uint8Array {
  return Uint8Array.from(ipBytes(text));
}

export function macBytes(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((h) => Number.parseInt(h, 16)));
}

export function encodeDhcp4(d: Dhcp4Draft): Uint8Array {
  let optLen = 1; // END
  for (const [, data] of d.options) optLen += 2 + data.length;
  const len = Math.max(MIN_DHCP4_LEN + optLen, d.minLength ?? 300);
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  b[0] = d.op ?? 1;
  b[1] = 1; // htype ethernet
  b[2] = d.hlen ?? Math.min(d.chaddr.length, 255);
  v.setUint32(4, d.xid >>> 0);
  v.setUint16(10, d.flags ?? 0);
  if (d.ciaddr !== undefined) b.set(ipBytes(d.ciaddr), 12);
  if (d.giaddr !== undefined) b.set(ipBytes(d.giaddr), 24);
  b.set(d.chaddr.subarray(0, 16), 28);
  b.set(MAGIC_COOKIE, BOOTP_HEADER_LEN);
  let at = MIN_DHCP4_LEN;
  for (const [code, data] of d.options) {
    b[at++] = code;
    b[at++] = data.length;
    b.set(data, at);
    at += data.length;
  }
  b[at] = 255;
  return b;
}

export function aDiscover4Bytes(o: { xid: number; chaddr: Uint8Array; hostname?: string; broadcast?: boolean }): Uint8Array {
  const options: Array<[number, Uint8Array]> = [
    [53, Uint8Array.of(MsgType4.DISCOVER)],
    [61, Uint8Array.of(1, ...o.chaddr)],
    [55, Uint8Array.of(1, 3, 6, 15, 42, 51, 54)],
    [57, Uint8Array.of(0x05, 0xdc)],
  ];
  if (o.hostname !== undefined) options.push([12, new TextEncoder().encode(o.hostname)]);
  return encodeDhcp4({ xid: o.xid, chaddr: o.chaddr, flags: o.broadcast ? 0x8000 : 0, options });
}

export function aRequest4Bytes(o: { xid: number; chaddr: Uint8Array; requestedIp: string; serverId?: string }): Uint8Array {
  const options: Array<[number, Uint8Array]> = [
    [53, Uint8Array.of(MsgType4.REQUEST)],
    [61, Uint8Array.of(1, ...o.chaddr)],
    [50, ip4Bytes(o.requestedIp)],
  ];
  if (o.serverId !== undefined) options.push([54, ip4Bytes(o.serverId)]);
  options.push([55, Uint8Array.of(1, 3, 6, 15, 51, 54)]);
  return encodeDhcp4({ xid: o.xid, chaddr: o.chaddr, options });
}

export type Dhcp4Peek = {
  op: number;
  xid: number;
  hlen: number;
  chaddr: string; // hlen bytes (capped at 16), aa:bb:.. form
  ciaddr: string;
  yiaddr: string;
  giaddr: string;
  msgType: number | null;
  serverId: string | null;
  options: Map<number, Uint8Array>; // first occurrence only, main options field only
};

const ipAt = (b: Uint8Array, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** Lenient decode of what the tests need; null if the payload is not a DHCP message at all. */
export function peekDhcp4(b: Uint8Array): Dhcp4Peek | null {
  if (b.length < MIN_DHCP4_LEN) return null;
  for (let i = 0; i < 4; i++) if (b[BOOTP_HEADER_LEN + i] !== MAGIC_COOKIE[i]) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hlen = b[2]!;
  const hw: string[] = [];
  for (let i = 0; i < Math.min(hlen, 16); i++) hw.push(b[28 + i]!.toString(16).padStart(2, '0'));
  const options = new Map<number, Uint8Array>();
  let at = MIN_DHCP4_LEN;
  while (at < b.length) {
    const code = b[at]!;
    if (code === 0) { at++; continue; }
    if (code === 255 || at + 1 >= b.length) break;
    const len = b[at + 1]!;
    if (at + 2 + len > b.length) break;
    if (!options.has(code)) options.set(code, b.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  const mt = options.get(53);
  const sid = options.get(54);
  return {
    op: b[0]!,
    xid: v.getUint32(4),
    hlen,
    chaddr: hw.join(':'),
    ciaddr: ipAt(b, 12),
    yiaddr: ipAt(b, 16),
    giaddr: ipAt(b, 24),
    msgType: mt !== undefined && mt.length === 1 ? mt[0]! : null,
    serverId: sid !== undefined && sid.length === 4 ? ipAt(sid, 0) : null,
    options,
  };
}
