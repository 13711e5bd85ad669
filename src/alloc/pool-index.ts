import type { Ip4 } from '../util/index.ts';
import type { Lease4, Subnet4 } from '../model/index.ts';

/**
 * Which pool addresses are taken, one byte per address, so that finding a free candidate does not
 * ask the store about every address. It is a hint only: the engine re-checks every candidate
 * against the store before it offers or commits it.
 */
export class PoolIndex {
  readonly #ranges: Array<{ first: Ip4; last: Ip4; used: Uint8Array; free: number }>;
  /** Addresses never handed out dynamically: exclusions, reserved addresses, network/broadcast. */
  readonly #blocked: Set<Ip4>;
  #cursor = 0;
  #rangeCursor = 0;
  /** Pool addresses that can be leased at all (reserved ones included, as Kea counts them). */
  readonly size: number;

  constructor(subnet: Subnet4) {
    const excluded = excludedAddresses(subnet);
    this.#blocked = new Set(excluded);
    for (const r of subnet.reservations) if (r.address !== null) this.#blocked.add(r.address);
    let size = 0;
    this.#ranges = subnet.pools.map((pool) => {
      const used = new Uint8Array(pool.last - pool.first + 1);
      let free = used.length;
      for (let a = pool.first; a <= pool.last; a++) {
        if (!excluded.has(a)) size++;
        if (this.#blocked.has(a)) { used[a - pool.first] = 2; free--; }
      }
      return { first: pool.first, last: pool.last, used, free };
    });
    this.size = size;
  }

  /** Records what a committed lease means for its address. */
  apply(lease: Lease4, removed: boolean): void {
    const taken = !removed && (lease.state === 'default' || lease.state === 'declined');
    this.#set(lease.address, taken);
  }

  markUsed(address: Ip4): void { this.#set(address, true); }

  isBlocked(address: Ip4): boolean { return this.#blocked.has(address); }

  inPools(address: Ip4): boolean {
    return this.#ranges.some((r) => address >= r.first && address <= r.last);
  }

  get free(): number { return this.#ranges.reduce((n, r) => n + r.free, 0); }

  /**
   * Yields free-looking candidates round-robin from where the last search stopped (so that a
   * released address is not handed straight to the next client), at most `limit` of them.
   */
  *candidates(limit: number, skip: ((address: Ip4) => boolean) | null = null): Generator<Ip4> {
    let yielded = 0;
    for (let pass = 0; pass < this.#ranges.length; pass++) {
      const ri = (this.#rangeCursor + pass) % this.#ranges.length;
      const range = this.#ranges[ri]!;
      if (range.free === 0) continue;
      const n = range.used.length;
      const start = pass === 0 ? this.#cursor % n : 0;
      for (let k = 0; k < n; k++) {
        const i = (start + k) % n;
        if (range.used[i] !== 0) continue;
        if (skip !== null && skip((range.first + i) >>> 0)) continue;
        this.#rangeCursor = ri;
        this.#cursor = i + 1;
        yield (range.first + i) >>> 0;
        if (++yielded >= limit) return;
      }
    }
  }

  #set(address: Ip4, taken: boolean): void {
    for (const range of this.#ranges) {
      if (address < range.first || address > range.last) continue;
      const i = address - range.first;
      const cur = range.used[i]!;
      if (cur === 2) return;
      const next = taken ? 1 : 0;
      if (cur === next) return;
      range.used[i] = next;
      range.free += taken ? -1 : 1;
      return;
    }
  }
}

/** Never leased: the network and broadcast addresses and the configured exclusions. */
function excludedAddresses(subnet: Subnet4): Set<Ip4> {
  const blocked = new Set<Ip4>();
  if (subnet.prefixLength < 31) {
    blocked.add(subnet.network);
    blocked.add((subnet.network + 2 ** (32 - subnet.prefixLength) - 1) >>> 0);
  }
  for (const [first, last] of subnet.exclusions) {
    for (let a = first; a <= last; a++) blocked.add(a);
  }
  return blocked;
}
