import { formatIp4, parseIp4, prefixMask } from '../util/index.ts';
import type { Ip4 } from '../util/index.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export type Prefix4 = { network: Ip4; length: number };

/** `10.0.0.0/24`. Host bits set (`10.0.0.1/24`) is an error that names the network meant. */
export function parsePrefix4(text: string): Parsed<Prefix4> {
  const m = /^\s*([0-9.]+)\s*\/\s*([0-9]{1,2})\s*$/.exec(text);
  const address = m ? parseIp4(m[1]!) : null;
  const length = m ? Number(m[2]) : NaN;
  if (m === null || address === null || !(length >= 0 && length <= 32)) {
    return { ok: false, message: `'${text}' is not an IPv4 prefix (expected e.g. 10.0.0.0/24)` };
  }
  const network = (address & prefixMask(length)) >>> 0;
  if (network !== address) {
    return { ok: false, message: `'${text}' has host bits set (did you mean ${formatIp4(network)}/${length}?)` };
  }
  return { ok: true, value: { network, length } };
}

export function formatPrefix4(p: Prefix4): string {
  return `${formatIp4(p.network)}/${p.length}`;
}

export function prefixLast(p: Prefix4): Ip4 {
  return (p.network | ~prefixMask(p.length)) >>> 0;
}

/** An inclusive address range, as Kea writes it: `a - b`, `a-b`, a prefix `a/n`, or (if `single`) one address. */
export function parseRange4(text: string, single: boolean): Parsed<readonly [Ip4, Ip4]> {
  if (text.includes('/')) {
    const p = parsePrefix4(text);
    return p.ok ? { ok: true, value: [p.value.network, prefixLast(p.value)] } : p;
  }
  const parts = text.split('-');
  if (parts.length === 2) {
    const first = parseIp4(parts[0]!.trim());
    const last = parseIp4(parts[1]!.trim());
    if (first === null || last === null) return { ok: false, message: `'${text}' is not an address range (expected 'a - b')` };
    if (first > last) return { ok: false, message: `range '${text}' has its first address after its last` };
    return { ok: true, value: [first, last] };
  }
  if (single && parts.length === 1) {
    const a = parseIp4(text.trim());
    if (a !== null) return { ok: true, value: [a, a] };
  }
  return {
    ok: false,
    message: `'${text}' is not ${single ? 'an address or ' : ''}an address range (expected 'a - b'${single ? " or 'a'" : ' or a prefix'})`,
  };
}

export function formatRange4(r: readonly [Ip4, Ip4]): string {
  return r[0] === r[1] ? formatIp4(r[0]) : `${formatIp4(r[0])} - ${formatIp4(r[1])}`;
}

export function rangesOverlap(a: readonly [Ip4, Ip4], b: readonly [Ip4, Ip4]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}
