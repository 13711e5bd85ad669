import type { OptionSet4, OptionValue4 } from '../model/index.ts';

/**
 * A map that cannot be changed after construction. `Object.freeze` does not stop `Map#set`, so the
 * snapshot hands out this wrapper instead; it satisfies `ReadonlyMap` and has no mutators at all.
 */
export class FrozenMap<K, V> implements ReadonlyMap<K, V> {
  readonly #map: Map<K, V>;

  constructor(entries: Iterable<readonly [K, V]>) {
    this.#map = new Map(entries);
    Object.freeze(this);
  }

  get size(): number {
    return this.#map.size;
  }
  get(key: K): V | undefined {
    return this.#map.get(key);
  }
  has(key: K): boolean {
    return this.#map.has(key);
  }
  forEach(cb: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.#map.forEach((v, k) => cb.call(thisArg, v, k, this));
  }
  entries(): MapIterator<[K, V]> {
    return this.#map.entries();
  }
  keys(): MapIterator<K> {
    return this.#map.keys();
  }
  values(): MapIterator<V> {
    return this.#map.values();
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#map[Symbol.iterator]();
  }
}

/** Freezes an option set; each payload is copied so nothing outside the snapshot holds it. */
export function freezeOptions(options: ReadonlyMap<number, OptionValue4>): OptionSet4 {
  const entries: [number, OptionValue4][] = [];
  for (const [code, v] of options) {
    entries.push([code, Object.freeze({ code: v.code, data: v.data.slice(), alwaysSend: v.alwaysSend })]);
  }
  return new FrozenMap(entries);
}

/** Object.freeze, recursively through plain objects and arrays (not through maps or byte arrays). */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (ArrayBuffer.isView(value) || value instanceof FrozenMap) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}
