/** IPv4 addresses are plain uint32 numbers everywhere inside tandem. */
export type Ip4 = number;

/** Parses dotted-quad text; returns null for anything that is not exactly four decimal octets. */
export function parseIp4(text: string): Ip4 | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3 || !/^[0-9]+$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value >>> 0;
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
