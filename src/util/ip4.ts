/** IPv4 addresses are plain uint32 numbers everywhere inside tandem. */
export type Ip4 = number;

/** Parses dotted-quad text; returns null for anything that is not exactly four decimal octets. */
export function parseIp4(text: string): Ip4 | null {
  // A character loop, not split/regex: this runs for every received datagram's source address.
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return null;
      octet = octet * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || octet > 255 || ++dots > 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0 || octet > 255) return null;
  return (value * 256 + octet) >>> 0;
}

export function formatIp4(address: Ip4): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/** The netmask of a prefix length, as a uint32 (0 → 0.0.0.0, 32 → 255.255.255.255). */
export function prefixMask(length: number): Ip4 {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

export function inPrefix(address: Ip4, network: Ip4, length: number): boolean {
  const mask = prefixMask(length);
  return ((address & mask) >>> 0) === ((network & mask) >>> 0);
}

export function readIp4(bytes: Uint8Array, offset: number): Ip4 {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

export function writeIp4(bytes: Uint8Array, offset: number, address: Ip4): void {
  bytes[offset] = address >>> 24;
  bytes[offset + 1] = (address >>> 16) & 255;
  bytes[offset + 2] = (address >>> 8) & 255;
  bytes[offset + 3] = address & 255;
}
