import type { NetworkInterfaceInfo } from 'node:os';
import type { InterfaceSpec } from '../model/index.ts';
import { parseIp4, formatIp4 } from '../util/index.ts';
import type { Link4 } from './types.ts';

/** What `os.networkInterfaces()` returns. */
export type InterfaceTable = Readonly<Record<string, readonly NetworkInterfaceInfo[] | undefined>>;

/** A configured interface that cannot be served now; it is picked up when it appears. */
export type WaitingInterface4 = {
  readonly name: string;
  readonly reason: 'no-such-interface' | 'no-ipv4-address' | 'address-not-on-interface';
};

export type ResolvedLinks4 = { readonly links: readonly Link4[]; readonly waiting: readonly WaitingInterface4[] };

function macBytes(text: string): Uint8Array | null {
  const parts = text.split(':');
  if (parts.length !== 6) return null;
  const mac = new Uint8Array(6);
  let nonZero = false;
  for (let i = 0; i < 6; i++) {
    const octet = Number.parseInt(parts[i]!, 16);
    if (!Number.isInteger(octet) || octet < 0 || octet > 255) return null;
    mac[i] = octet;
    if (octet !== 0) nonZero = true;
  }
  return nonZero ? mac : null;
}

function toLink(ifname: string, info: NetworkInterfaceInfo, address: number): Link4 {
  const slash = info.cidr?.lastIndexOf('/') ?? -1;
  const prefixLength = slash >= 0 ? Number(info.cidr!.slice(slash + 1)) : 32;
  return { ifname, address, prefixLength, mac: macBytes(info.mac) };
}

function ipv4Entries(entries: readonly NetworkInterfaceInfo[] | undefined): NetworkInterfaceInfo[] {
  // Node ≥18.4 reports family as 'IPv4'; 18.0–18.3 reported the number 4.
  return (entries ?? []).filter((e) => e.family === 'IPv4' || (e.family as unknown) === 4);
}

/**
 * Which links to serve for a list of interface specs, given the machine's interfaces. Pure.
 * - `*` means every non-loopback interface with an IPv4 address, served on its first address.
 * - A named interface is served on the spec's address, or on its first IPv4 address if none is given.
 * - A named spec wins over `*` for the same interface; the first spec naming an interface wins.
 * The kernel lists a device's primary address first, and os.networkInterfaces() keeps that order.
 */
export function resolveLinks4(specs: readonly InterfaceSpec[], table: InterfaceTable): ResolvedLinks4 {
  const links = new Map<string, Link4>();
  const waiting: WaitingInterface4[] = [];
  for (const spec of specs) {
    if (spec.name === '*' || links.has(spec.name)) continue;
    const entries = table[spec.name];
    if (entries === undefined) {
      waiting.push({ name: spec.name, reason: 'no-such-interface' });
      continue;
    }
    const v4 = ipv4Entries(entries);
    const chosen = spec.address === null ? v4[0] : v4.find((e) => parseIp4(e.address) === spec.address);
    if (chosen === undefined) {
      waiting.push({
        name: spec.address === null ? spec.name : `${spec.name}/${formatIp4(spec.address)}`,
        reason: spec.address === null ? 'no-ipv4-address' : 'address-not-on-interface',
      });
      continue;
    }
    links.set(spec.name, toLink(spec.name, chosen, parseIp4(chosen.address)!));
  }
  if (specs.some((s) => s.name === '*')) {
    for (const [ifname, entries] of Object.entries(table)) {
      if (links.has(ifname)) continue;
      const first = ipv4Entries(entries).find((e) => !e.internal);
      if (first !== undefined) links.set(ifname, toLink(ifname, first, parseIp4(first.address)!));
    }
  }
  return { links: [...links.values()], waiting };
}

/** True when two views of the same interface differ in anything a Link4 carries. */
export function sameLink4(a: Link4, b: Link4): boolean {
  if (a.ifname !== b.ifname || a.address !== b.address || a.prefixLength !== b.prefixLength) return false;
  if (a.mac === null || b.mac === null) return a.mac === b.mac;
  return a.mac.length === b.mac.length && a.mac.every((v, i) => v === b.mac![i]);
}
