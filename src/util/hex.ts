const HEX = '0123456789abcdef';

/** Lower-case hex with a separator between bytes: `0a:0b:0c` (Kea's hw-address / client-id form). */
export function formatHex(bytes: Uint8Array, separator = ':'): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) out += separator;
    const b = bytes[i]!;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

/**
 * Parses hex written as Kea accepts it: `0a:0b:0c`, `0a 0b 0c`, `0a-0b`, `0x0a0b0c` or `0a0b0c`.
 * Returns null when the text is not hex.
 */
export function parseHex(text: string): Uint8Array | null {
  let s = text.trim();
  if (s.startsWith('0x') || s.startsWith('0X')) s = s.slice(2);
  const groups = /[:\s-]/.test(s) ? s.split(/[:\s-]+/) : [s];
  const out: number[] = [];
  for (const group of groups) {
    if (group.length === 0) return null;
    const padded = group.length % 2 === 1 ? '0' + group : group;
    for (let i = 0; i < padded.length; i += 2) {
      const byte = Number.parseInt(padded.slice(i, i + 2), 16);
      if (!/^[0-9a-fA-F]{2}$/.test(padded.slice(i, i + 2))) return null;
      out.push(byte);
    }
  }
  return Uint8Array.from(out);
}
