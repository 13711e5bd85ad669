import type { Ip4 } from '../../util/index.ts';

/**
 * A binary min-heap of (expiry, address) pairs in two typed arrays (12 bytes per entry), ordered by
 * expiry then address. Entries are never removed individually: the owner validates each entry it
 * reads against the live lease (lazy deletion) and rebuilds the heap when too many are stale.
 */
export class ExpiryHeap {
  #keys = new Float64Array(1024);
  #addrs = new Uint32Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  push(expiry: number, address: Ip4): void {
    if (this.#size === this.#keys.length) this.#grow();
    let i = this.#size++;
    const keys = this.#keys;
    const addrs = this.#addrs;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk < expiry || (pk === expiry && addrs[parent]! <= address)) break;
      keys[i] = pk;
      addrs[i] = addrs[parent]!;
      i = parent;
    }
    keys[i] = expiry;
    addrs[i] = address;
  }

  /**
   * Visits entries with expiry < `before` in ascending (expiry, address) order without modifying the
   * heap, until `visit` returns false. Costs O(k log k) for k visited entries (best-first walk).
   */
  walkBefore(before: number, visit: (expiry: number, address: Ip4) => boolean): void {
    if (this.#size === 0 || this.#keys[0]! >= before) return;
    // Best-first walk: `open` is a small heap of indexes into this heap, ordered like the entries.
    const open: number[] = [0];
    const less = (a: number, b: number): boolean => {
      const ka = this.#keys[a]!;
      const kb = this.#keys[b]!;
      return ka < kb || (ka === kb && this.#addrs[a]! < this.#addrs[b]!);
    };
    while (open.length > 0) {
      const i = popMin(open, less);
      if (!visit(this.#keys[i]!, this.#addrs[i]!)) return;
      const l = 2 * i + 1;
      if (l < this.#size && this.#keys[l]! < before) pushIndex(open, l, less);
      if (l + 1 < this.#size && this.#keys[l + 1]! < before) pushIndex(open, l + 1, less);
    }
  }

  #grow(): void {
    const keys = new Float64Array(this.#keys.length * 2);
    keys.set(this.#keys);
    const addrs = new Uint32Array(this.#addrs.length * 2);
    addrs.set(this.#addrs);
    this.#keys = keys;
    this.#addrs = addrs;
  }
}

function pushIndex(heap: number[], value: number, less: (a: number, b: number) => boolean): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(value, heap[parent]!)) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

function popMin(heap: number[], less: (a: number, b: number) => boolean): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  let i = 0;
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && less(heap[r]!, heap[l]!) ? r : l;
    if (!less(heap[c]!, last)) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = last;
  return top;
}
