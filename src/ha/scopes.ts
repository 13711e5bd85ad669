/**
 * RFC 3074 load balancing (pure): which of the two servers a client belongs to.
 *
 * The hash is RFC 3074 §6's Pearson hash ("loadb_p_hash"): start from the key's length (mod 256)
 * and walk the key from its LAST byte to its first, hash = T[hash XOR byte]. The result is a hash
 * bucket 0..255. tandem gives buckets 0..n-1 to the primary, n = round(256 × load-balance-percent
 * / 100) (Windows does the same with buckets numbered 1..256; dhcpd's `split n` sets bits 0..n-1 of
 * its hash bucket assignment). At 50 % that is buckets 0..127. Note Kea's fixed 50/50 uses
 * `bucket % 2` instead, so a tandem pair and a Kea pair split the same clients differently; partners
 * are always two tandem servers.
 *
 * The key is the client identifier (option 61 payload, type byte included) when the client sent a
 * non-empty one, else chaddr (hlen bytes), as RFC 3074 §5, dhcpd and Kea do.
 */

/**
 * RFC 3074 §6, the 256-entry mixing table: a permutation of 0..255 in pseudo-random order.
 * Protocol data, taken from the RFC (B. Volz et al., "DHC Load Balancing Algorithm", Feb 2001).
 */
const MIX: Uint8Array = Uint8Array.of(
  251, 175, 119, 215, 81, 14, 79, 191, 103, 49, 181, 143, 186, 157, 0, 232,
  31, 32, 55, 60, 152, 58, 17, 237, 174, 70, 160, 144, 220, 90, 57, 223,
  59, 3, 18, 140, 111, 166, 203, 196, 134, 243, 124, 95, 222, 179, 197, 65,
  180, 48, 36, 15, 107, 46, 233, 130, 165, 30, 123, 161, 209, 23, 97, 16,
  40, 91, 219, 61, 100, 10, 210, 109, 250, 127, 22, 138, 29, 108, 244, 67,
  207, 9, 178, 204, 74, 98, 126, 249, 167, 116, 34, 77, 193, 200, 121, 5,
  20, 113, 71, 35, 128, 13, 182, 94, 25, 226, 227, 199, 75, 27, 41, 245,
  230, 224, 43, 225, 177, 26, 155, 150, 212, 142, 218, 115, 241, 73, 88, 105,
  39, 114, 62, 255, 192, 201, 145, 214, 168, 158, 221, 148, 154, 122, 12, 84,
  82, 163, 44, 139, 228, 236, 205, 242, 217, 11, 187, 146, 159, 64, 86, 239,
  195, 42, 106, 198, 118, 112, 184, 172, 87, 2, 173, 117, 176, 229, 247, 253,
  137, 185, 99, 164, 102, 147, 45, 66, 231, 52, 141, 211, 194, 206, 246, 238,
  56, 110, 78, 248, 63, 240, 189, 93, 92, 51, 53, 183, 19, 171, 72, 50,
  33, 104, 101, 69, 8, 252, 83, 120, 76, 135, 85, 54, 202, 125, 188, 213,
  96, 235, 136, 208, 162, 129, 190, 132, 156, 38, 47, 1, 7, 254, 24, 4,
  216, 131, 89, 21, 28, 133, 37, 153, 149, 80, 170, 68, 6, 169, 234, 151,
);

/** The table, read-only, for tests and documentation. */
export function lbMixTable(): readonly number[] {
  return Array.from(MIX);
}

/** RFC 3074 hash bucket of a key: 0..255. */
export function lbBucket(key: Uint8Array): number {
  let hash = key.length & 0xff;
  for (let i = key.length; i > 0;) hash = MIX[hash ^ key[--i]!]!;
  return hash;
}

/**
 * The load-balancing key of a DHCPv4 client: the client-id payload when present and non-empty, else
 * the first `hlen` bytes of chaddr (at most 16). Null when there is neither (such a query is dropped
 * in load-balancing, as Kea does). Returns a view, not a copy.
 */
export function lbKey(clientId: Uint8Array | null, chaddr: Uint8Array, hlen: number = chaddr.length): Uint8Array | null {
  if (clientId !== null && clientId.length > 0) return clientId;
  const n = Math.min(hlen, 16, chaddr.length);
  return n > 0 ? chaddr.subarray(0, n) : null;
}

/**
 * How many of the 256 buckets go to the primary for a given share: round(256 × percent / 100),
 * halves rounding up, and never 0 or 256 unless percent is exactly 0 or 100 (so each server of a
 * 1..99 % split has at least one bucket). 50 → 128, 1 → 3, 99 → 253.
 */
export function primaryShareBuckets(percent: number): number {
  if (!(percent >= 0 && percent <= 100)) throw new RangeError(`load-balance percent ${percent} is not within 0..100`);
  if (percent === 0) return 0;
  if (percent === 100) return 256;
  const n = Math.floor((256 * percent) / 100 + 0.5);
  return Math.min(255, Math.max(1, n));
}

/** True when the client with this key is the primary's to serve at `percent` % to the primary. */
export function isPrimaryClient(key: Uint8Array, percent: number): boolean {
  return lbBucket(key) < primaryShareBuckets(percent);
}
