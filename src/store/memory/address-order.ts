import type { Ip4 } from '../../util/index.ts';

/**
 * Addresses in ascending order for paged scans, kept cheaply under writes: a sorted base array
 * (4 bytes per address) plus the addresses added since it was built. Removed addresses stay in the
 * base until the next rebuild; the caller filters them with `isLive`. Rebuilds happen lazily in
 * `page`, only when the delta has grown large, so writes cost O(1).
 */
export class AddressOrder {
  #base = new Uint32Array(0);
  #added: number[] = [];
  #addedSorted = true;
  #removed = 0;
  /** True when the delta was dropped and the next page must rebuild from the live set. */
  #stale = false;

  /** Records that `address` became live (it was absent before). */
  add(address: Ip4): void {
    if (this.#stale) return;
    if (this.#added.length > Math.max(65536, this.#base.length)) {
      // Nobody is scanning: drop the delta instead of letting it grow without bound.
      this.#stale = true;
      this.#base = new Uint32Array(0);
      this.#added = [];
      return;
    }
    const last = this.#added[this.#added.length - 1];
    if (last !== undefined && last >= address) this.#addedSorted = false;
    this.#added.push(address);
  }

  /** Records that a live address went away. */
  remove(): void {
    this.#removed++;
  }

  /**
   * Up to `limit` live addresses greater than `after` (null: from the start), ascending.
   * `live` lists every live address; it is read only when a rebuild is due.
   */
  page(after: Ip4 | null, limit: number, isLive: (a: Ip4) => boolean, live: () => Iterable<Ip4>): Ip4[] {
    const delta = this.#added.length + this.#removed;
    if (this.#stale) this.#rebuild(live);
    else if (delta > 0 && delta > Math.max(4096, this.#base.length >> 4)) this.#rebuild(live);
    if (!this.#addedSorted) {
      this.#added.sort((a, b) => a - b);
      this.#addedSorted = true;
    }
    const out: Ip4[] = [];
    if (limit <= 0) return out;
    const base = this.#base;
    const added = this.#added;
    const from = after === null ? -1 : after;
    let i = upperBound(base, from);
    let j = upperBound(added, from);
    let prev = -1;
    while (out.length < limit && (i < base.length || j < added.length)) {
      let next: number;
      if (j >= added.length || (i < base.length && base[i]! <= added[j]!)) next = base[i++]!;
      else next = added[j++]!;
      if (next === prev) continue;
      prev = next;
      if (isLive(next)) out.push(next);
    }
    return out;
  }

  #rebuild(live: () => Iterable<Ip4>): void {
    const all = Uint32Array.from(live());
    all.sort();
    this.#base = all;
    this.#added = [];
    this.#addedSorted = true;
    this.#removed = 0;
    this.#stale = false;
  }
}

function upperBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
