import type { HaConfig, Subnet4 } from '../model/index.ts';
import type { Ip4 } from '../util/index.ts';

/**
 * Which server owns each free address of a failover pool (failover-12 §5.4's FREE / BACKUP split,
 * computed instead of negotiated). Both partners derive the same split from the config alone, so
 * they never need to talk about it:
 *
 * - the secondary's share of a pool is `reserve-percent` (hot-standby: the standby's reserve) or
 *   `100 - load-balance-percent` (load-balancing);
 * - a pool's assignable addresses are its range minus the subnet's network and broadcast addresses
 *   (prefixes shorter than /31), minus exclusions, minus reserved addresses (nobody's free addresses);
 * - each assignable address gets a fixed 32-bit mixing hash of the address alone; the k addresses
 *   with the lowest hashes go to the secondary, the rest to the primary. The hash is a bijection,
 *   so there are no ties and the counts are exact; it depends on nothing but the address, so the
 *   split of a pool changes only when that pool, its exclusions or its reservations change.
 *
 * k = secondaryShare(n, percent): n × percent / 100 rounded to the nearest integer, halves going to
 * the primary; then at least 1 when percent > 0 (a cut-off standby can still serve someone) and at
 * most n − 1 when n ≥ 2 (the primary keeps at least one). A one-address pool therefore belongs to
 * the secondary whenever its share is above 0.
 */
export type Owner = 'primary' | 'secondary';
export type OwnerCounts = { readonly primary: number; readonly secondary: number };

export type Ownership = {
  /** The owner of a free pool address; null when the address is nobody's free address (outside every pool, excluded, reserved). */
  ownerOf(address: Ip4): Owner | null;
  /** Assignable addresses of the subnet's pools, by owner; zeros for an unknown subnet. */
  counts(subnetId: number): OwnerCounts;
  /** The secondary's share in percent (the same for every pool). */
  readonly secondaryPercent: number;
};

type PoolSplit = {
  readonly first: Ip4;
  readonly last: Ip4;
  readonly subnet: SubnetBlocks;
  /** An assignable address belongs to the secondary iff its mix hash is below this (0: none do). */
  readonly below: number;
};

type SubnetBlocks = {
  readonly network: Ip4;
  readonly broadcast: Ip4;
  readonly edges: boolean;
  readonly exclusions: readonly (readonly [Ip4, Ip4])[];
  readonly reserved: ReadonlySet<Ip4>;
};

/** The secondary's share of the free addresses, in percent, for this relationship's mode. */
export function secondaryPercent(ha: Pick<HaConfig, 'mode' | 'reservePercent' | 'loadBalancePercent'>): number {
  return ha.mode === 'hot-standby' ? ha.reservePercent : 100 - ha.loadBalancePercent;
}

/** How many of a pool's n assignable addresses the secondary owns at `percent` % (rules above). */
export function secondaryShare(n: number, percent: number): number {
  if (n <= 0 || percent <= 0) return 0;
  if (percent >= 100) return n;
  // Nearest integer, exact .5 rounding down (toward the primary); percent is an integer so n*percent is exact.
  let k = Math.floor((n * percent + 49) / 100);
  if (!Number.isInteger(percent)) k = Math.ceil((n * percent) / 100 - 0.5);
  k = Math.max(1, k);
  if (n >= 2) k = Math.min(n - 1, k);
  return k;
}

/**
 * A fixed mixing hash of an address (a 32-bit finaliser: xor-shift / multiply rounds). It is a
 * bijection on uint32 and must never change: both partners, and every tandem version, must
 * compute the same split.
 */
export function ownershipHash(address: Ip4): number {
  let x = address >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function blocksOf(s: Subnet4): SubnetBlocks {
  const size = 2 ** (32 - s.prefixLength);
  const reserved = new Set<Ip4>();
  for (const r of s.reservations) if (r.address !== null) reserved.add(r.address);
  return {
    network: s.network,
    broadcast: (s.network + size - 1) >>> 0,
    edges: s.prefixLength < 31,
    exclusions: s.exclusions,
    reserved,
  };
}

function isBlocked(b: SubnetBlocks, a: Ip4): boolean {
  if (b.edges && (a === b.network || a === b.broadcast)) return true;
  if (b.reserved.has(a)) return true;
  for (const [first, last] of b.exclusions) if (a >= first && a <= last) return true;
  return false;
}

/** Splits every pool of every subnet; cost O(n log n) in the pool sizes, once per config. */
export function createOwnership(ha: Pick<HaConfig, 'mode' | 'reservePercent' | 'loadBalancePercent'>, subnets: readonly Subnet4[]): Ownership {
  const percent = secondaryPercent(ha);
  const pools: PoolSplit[] = [];
  const counts = new Map<number, OwnerCounts>();
  for (const s of subnets) {
    const blocks = blocksOf(s);
    let primary = 0;
    let secondary = 0;
    for (const p of s.pools) {
      const hashes: number[] = [];
      for (let a = p.first; a <= p.last; a++) if (!isBlocked(blocks, a)) hashes.push(ownershipHash(a));
      const k = secondaryShare(hashes.length, percent);
      let below = 0;
      if (k > 0) {
        const sorted = Uint32Array.from(hashes).sort();
        below = k >= sorted.length ? 0x1_0000_0000 : sorted[k]!;
      }
      pools.push({ first: p.first, last: p.last, subnet: blocks, below });
      secondary += k;
      primary += hashes.length - k;
    }
    const prev = counts.get(s.id);
    counts.set(s.id, { primary: primary + (prev?.primary ?? 0), secondary: secondary + (prev?.secondary ?? 0) });
  }
  pools.sort((a, b) => a.first - b.first);

  const find = (a: Ip4): PoolSplit | null => {
    let lo = 0;
    let hi = pools.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = pools[mid]!;
      if (a < p.first) hi = mid - 1;
      else if (a > p.last) lo = mid + 1;
      else return p;
    }
    return null;
  };

  return Object.freeze({
    secondaryPercent: percent,
    ownerOf(address: Ip4): Owner | null {
      const a = address >>> 0;
      const p = find(a);
      if (p === null || isBlocked(p.subnet, a)) return null;
      return ownershipHash(a) < p.below ? 'secondary' : 'primary';
    },
    counts(subnetId: number): OwnerCounts {
      return counts.get(subnetId) ?? { primary: 0, secondary: 0 };
    },
  });
}
