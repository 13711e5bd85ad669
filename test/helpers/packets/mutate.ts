// Hostile DHCPv4 packet generator. Deterministic: every choice comes from a seeded PRNG.
// Each packet says whether a correct server MUST drop it (`mustDrop`): such packets must never
// create a lease and must be counted as dropped. Others (bit flips, odd options) may legitimately
// be served. chaddrs are unique per packet and the two classes never share a prefix, so a store
// check can tell them apart even after a few bit flips (02:dd:… vs 02:22:… differ in 8 bits).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHex } from '../../../src/util/index.ts';
import {
  aDiscover4Bytes, aRequest4Bytes, BOOTP_HEADER_LEN, MIN_DHCP4_LEN, peekDhcp4,
} from './dhcp4-bytes.ts';

export type Rng = {
  /** uniform uint32 */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  bytes(n: number): Uint8Array;
};

/** mulberry32: small, fast, good enough for fuzzing; same seed, same packets. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const int = (n: number): number => (n <= 0 ? 0 : Math.floor((next() / 0x1_0000_0000) * n));
  const bytes = (n: number): Uint8Array => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = next() & 0xff;
    return b;
  };
  return { next, int, bytes };
}

export const HOSTILE_KINDS = [
  'truncated', 'zero-length', 'oversized', 'fragmented', 'bit-flip', 'option-length', 'bad-cookie',
  'hlen-over-16', 'options-past-end', 'overload-garbage', 'repeated-options', 'random-giaddr',
  'bootreply', 'bad-msg-type', 'no-msg-type',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

export type HostilePacket = {
  readonly kind: HostileKind;
  readonly bytes: Uint8Array;
  /** send to 255.255.255.255 rather than unicast to the server */
  readonly broadcast: boolean;
  /** the chaddr written into the packet before mutation (aa:bb:… form) */
  readonly chaddr: string;
  /** a correct server must drop it: no reply, no lease, counted in pkt4-receive-drop */
  readonly mustDrop: boolean;
  /** a correct server cannot even parse it (shorter than header + cookie, or bad cookie) */
  readonly unparseable: boolean;
};

/** Kinds whose result can never be a valid DHCP request. */
const MUST_DROP: ReadonlySet<HostileKind> = new Set<HostileKind>([
  'zero-length', 'bad-cookie', 'bootreply', 'bad-msg-type', 'no-msg-type',
]);

export type HostileOptions = {
  seed: number;
  count: number;
  /** addresses to put in requested-ip / server-id of REQUEST bases (e.g. the server's pool) */
  requestedIps?: readonly string[];
  serverId?: string;
  /** real payloads to mutate (op=1 with cookie); when empty, hand-built DISCOVER/REQUEST are used */
  bases?: readonly Uint8Array[];
};

const hex2 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

function chaddrFor(index: number, mustDrop: boolean): Uint8Array {
  return Uint8Array.of(0x02, mustDrop ? 0xdd : 0x22, (index >>> 16) & 0xff, (index >>> 8) & 0xff, index & 0xff, 0x5a);
}

function formatMac(b: Uint8Array): string {
  return Array.from(b, hex2).join(':');
}

/** A fresh valid request carrying `chaddr` (a copy of a base when given, else hand-built). */
function makeBase(rng: Rng, o: HostileOptions, chaddr: Uint8Array): Uint8Array {
  const bases = o.bases ?? [];
  const xid = rng.next();
  if (bases.length > 0 && rng.int(2) === 0) {
    const b = Uint8Array.from(bases[rng.int(bases.length)]!);
    new DataView(b.buffer).setUint32(4, xid);
    b[2] = 6;
    b.set(chaddr, 28);
    b.fill(0, 34, 44);
    return b;
  }
  const ips = o.requestedIps ?? [];
  if (ips.length > 0 && rng.int(2) === 0) {
    const requestedIp = ips[rng.int(ips.length)]!;
    return aRequest4Bytes(o.serverId !== undefined ? { xid, chaddr, requestedIp, serverId: o.serverId } : { xid, chaddr, requestedIp });
  }
  return aDiscover4Bytes({ xid, chaddr, broadcast: rng.int(2) === 0 });
}

/** Offset of the END option (or the end of data) in the main options field. */
function optionsEnd(b: Uint8Array): number {
  let at = MIN_DHCP4_LEN;
  while (at < b.length && b[at] !== 255) at = b[at] === 0 ? at + 1 : at + 2 + (b[at + 1] ?? 0);
  return Math.min(at, b.length);
}

/** Offsets of option-length bytes in the main options field. */
function optionLengthOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  let at = MIN_DHCP4_LEN;
  while (at + 1 < b.length && b[at] !== 255) {
    if (b[at] === 0) { at++; continue; }
    out.push(at + 1);
    at += 2 + b[at + 1]!;
  }
  return out;
}

function setOption53(b: Uint8Array, value: number | null): Uint8Array {
  // rebuild: drop every 53 from the main field, then put ours first
  const kept: number[] = [];
  let at = MIN_DHCP4_LEN;
  while (at + 1 < b.length && b[at] !== 255) {
    if (b[at] === 0) { at++; continue; }
    const len = b[at + 1]!;
    if (b[at] !== 53) kept.push(...b.subarray(at, at + 2 + len));
    at += 2 + len;
  }
  const head = value === null ? [] : [53, 1, value];
  const opts = [...head, ...kept, 255];
  const out = new Uint8Array(Math.max(b.length, MIN_DHCP4_LEN + opts.length));
  out.set(b.subarray(0, MIN_DHCP4_LEN));
  out.set(opts, MIN_DHCP4_LEN);
  return out;
}

type Mutation = { bytes: Uint8Array; mustDrop: boolean };

function mutate(kind: Exclude<HostileKind, 'truncated'>, rng: Rng, b: Uint8Array): Mutation {
  const keep = (bytes: Uint8Array): Mutation => ({ bytes, mustDrop: MUST_DROP.has(kind) });
  switch (kind) {
    case 'zero-length': return keep(new Uint8Array(0));
    case 'oversized': {
      const size = 548 + rng.int(1472 - 548 + 1);
      const out = rng.bytes(Math.max(size, b.length));
      out.set(b);
      return keep(out);
    }
    case 'fragmented': {
      const out = rng.bytes(4000);
      out.set(b);
      return keep(out);
    }
    case 'bit-flip': {
      const flips = 1 + rng.int(4);
      for (let i = 0; i < flips; i++) {
        let at = rng.int(b.length);
        if (at === 28 || at === 29) at = 30; // chaddr's first two bytes are the class marker
        b[at] = b[at]! ^ (1 << rng.int(8));
      }
      return keep(b);
    }
    case 'option-length': {
      const offs = optionLengthOffsets(b);
      const at = offs[rng.int(offs.length)] ?? MIN_DHCP4_LEN + 1;
      b[at] = rng.int(3) === 0 ? 0 : rng.int(256);
      return keep(b);
    }
    case 'bad-cookie': {
      const at = BOOTP_HEADER_LEN + rng.int(4);
      b[at] = b[at]! ^ (1 + rng.int(255));
      return keep(b);
    }
    case 'hlen-over-16': b[2] = 17 + rng.int(239); return keep(b);
    case 'options-past-end': {
      // END is replaced by an option whose length runs past the end of the datagram
      const end = optionsEnd(b);
      const tail = rng.int(40);
      const out = new Uint8Array(end + 2 + tail);
      out.set(b.subarray(0, end));
      out[end] = 12 + rng.int(200);
      out[end + 1] = tail + 1 + rng.int(255 - tail);
      out.set(rng.bytes(tail), end + 2);
      return keep(out);
    }
    case 'overload-garbage': {
      const end = optionsEnd(b);
      b.set(rng.bytes(64 + 128), 44); // sname + file: garbage
      const out = new Uint8Array(Math.max(b.length, end + 4));
      out.set(b);
      out.set([52, 1, 1 + rng.int(3), 255], end);
      return keep(out);
    }
    case 'repeated-options': {
      const end = optionsEnd(b);
      const extra: number[] = [];
      const codes = [53, 61, 50, 54, 55, 12, 82];
      for (let n = 1 + rng.int(6); n > 0; n--) {
        const len = rng.int(256);
        extra.push(codes[rng.int(codes.length)]!, len, ...rng.bytes(len));
      }
      const out = new Uint8Array(Math.min(end + extra.length + 1, 1472));
      out.set(b.subarray(0, end));
      out.set(extra.slice(0, out.length - end - 1), end);
      out[out.length - 1] = 255;
      return keep(out);
    }
    case 'random-giaddr': {
      const g = rng.bytes(4);
      b.set(g[0] === 0 ? Uint8Array.of(1, g[1]!, g[2]!, g[3]!) : g, 24);
      return keep(b);
    }
    case 'bootreply': b[0] = 2; return keep(b);
    case 'bad-msg-type': {
      const bad = [0, 2, 5, 6, 9 + rng.int(247)];
      return keep(setOption53(b, bad[rng.int(bad.length)]!));
    }
    case 'no-msg-type': return keep(setOption53(b, null));
  }
}

/**
 * `count` hostile packets: first a truncation sweep (every length of one base), then the other kinds
 * round-robin so each appears about equally often. Same options, same packets.
 */
export function hostilePackets(o: HostileOptions): HostilePacket[] {
  const rng = createRng(o.seed);
  const out: HostilePacket[] = [];
  const push = (kind: HostileKind, chaddr: Uint8Array, m: Mutation): void => {
    const unparseable = m.bytes.length > 0 && (m.bytes.length < MIN_DHCP4_LEN || peekDhcp4(m.bytes) === null);
    const mustDrop = m.mustDrop || m.bytes.length < MIN_DHCP4_LEN || unparseable;
    out.push({ kind, bytes: m.bytes, broadcast: rng.int(2) === 0, chaddr: formatMac(chaddr), mustDrop, unparseable });
  };
  const sweep = [chaddrFor(0, true), chaddrFor(0, false)] as const;
  const sweepBase = makeBase(rng, o, sweep[1]);
  for (let len = 1; len < sweepBase.length && out.length < o.count; len++) {
    const mustDrop = len < MIN_DHCP4_LEN;
    const bytes = sweepBase.slice(0, len);
    if (mustDrop && len > 28) bytes.set(sweep[0].subarray(0, Math.min(6, len - 28)), 28);
    push('truncated', mustDrop ? sweep[0] : sweep[1], { bytes, mustDrop });
  }
  const kinds = HOSTILE_KINDS.filter((k): k is Exclude<HostileKind, 'truncated'> => k !== 'truncated');
  for (let i = 0; out.length < o.count; i++) {
    const kind = kinds[i % kinds.length]!;
    const index = out.length + 1;
    const mustDrop = MUST_DROP.has(kind);
    const chaddr = chaddrFor(index, mustDrop);
    const base = makeBase(rng, o, chaddr);
    push(kind, chaddr, mutate(kind, rng, base));
  }
  return out;
}

/** Reads `*.hex` fixtures ('#' header lines, then hex) and keeps client requests (op=1, cookie). */
export function loadFixtureRequests(dir: string): Uint8Array[] {
  let names: string[];
  try { names = readdirSync(dir).filter((n) => n.endsWith('.hex')).sort(); } catch { return []; }
  const out: Uint8Array[] = [];
  for (const name of names) {
    const text = readFileSync(join(dir, name), 'utf8').split('\n').filter((l) => !l.trimStart().startsWith('#')).join('');
    const bytes = parseHex(text.replace(/\s+/g, ''));
    if (bytes === null) continue;
    const peek = peekDhcp4(bytes);
    if (peek !== null && peek.op === 1 && peek.msgType !== null && bytes.length <= 1472) out.push(bytes);
  }
  return out;
}
