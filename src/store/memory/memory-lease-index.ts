import type { Ip4 } from '../../util/index.ts';
import type { Lease4 } from '../../model/index.ts';
import type { LeaseQuery4 } from '../lease-store.ts';
import { AddressOrder } from './address-order.ts';
import { ExpiryHeap } from './expiry-heap.ts';

/** Secondary index: key → one address, or several. Keys are the lease's own strings (no copies). */
type MultiIndex = Map<string, Ip4 | Ip4[]>;

/**
 * In-memory lease indexes: by address, hardware address, client-id and hostname (each filtered by
 * subnet on lookup), by expiry (a lazily cleaned heap) and by address order (for paged scans).
 * A plain data structure: no I/O, no events, no compare-and-set — the stores add those.
 */
export class MemoryLeaseIndex {
  readonly #byAddress = new Map<Ip4, Lease4>();
  readonly #byHw: MultiIndex = new Map();
  readonly #byClientId: MultiIndex = new Map();
  readonly #byHostname: MultiIndex = new Map();
  readonly #expiry = new ExpiryHeap();
  readonly #order = new AddressOrder();
  /** Leases currently represented in the expiry heap (state default or declined). */
  #expiring = 0;

  get size(): number {
    return this.#byAddress.size;
  }

  get(address: Ip4): Lease4 | undefined {
    return this.#byAddress.get(address);
  }

  values(): IterableIterator<Lease4> {
    return this.#byAddress.values();
  }

  /** Inserts or replaces the lease at its address; returns the lease it replaced. */
  put(lease: Lease4): Lease4 | undefined {
    const before = this.#byAddress.get(lease.address);
    if (before !== undefined) this.#unindex(before);
    else this.#order.add(lease.address);
    this.#byAddress.set(lease.address, lease);
    addTo(this.#byHw, lease.hwAddress, lease.address);
    if (lease.clientId !== null) addTo(this.#byClientId, lease.clientId, lease.address);
    addTo(this.#byHostname, lease.hostname, lease.address);
    if (isExpiring(lease)) {
      this.#expiring++;
      const expiry = lease.cltt + lease.validLifetime;
      if (before === undefined || !isExpiring(before) || before.cltt + before.validLifetime !== expiry) {
        this.#expiry.push(expiry, lease.address);
        this.#maybeRebuildExpiry();
      }
    }
    return before;
  }

  /** Removes the lease at `address`; returns it. */
  delete(address: Ip4): Lease4 | undefined {
    const before = this.#byAddress.get(address);
    if (before === undefined) return undefined;
    this.#unindex(before);
    this.#byAddress.delete(address);
    this.#order.remove();
    return before;
  }

  find(query: LeaseQuery4): Lease4[] {
    let candidates: Iterable<Lease4>;
    if (query.clientId !== undefined && query.clientId !== '') candidates = this.#lookup(this.#byClientId, query.clientId);
    else if (query.hwAddress !== undefined && query.hwAddress !== '') candidates = this.#lookup(this.#byHw, query.hwAddress);
    else if (query.hostname !== undefined && query.hostname !== '') candidates = this.#lookup(this.#byHostname, query.hostname);
    else candidates = this.#byAddress.values();
    const out: Lease4[] = [];
    for (const l of candidates) {
      if (query.subnetId !== undefined && l.subnetId !== query.subnetId) continue;
      if (query.hwAddress !== undefined && l.hwAddress !== query.hwAddress) continue;
      if (query.clientId !== undefined && l.clientId !== query.clientId) continue;
      if (query.hostname !== undefined && l.hostname !== query.hostname) continue;
      out.push(l);
    }
    return out.sort((a, b) => a.address - b.address);
  }

  /** Leases in state default/declined expiring strictly before `time`, oldest first. */
  expiredBefore(time: number, limit: number): Lease4[] {
    const out: Lease4[] = [];
    if (limit <= 0) return out;
    let seen: Set<Ip4> | null = null;
    this.#expiry.walkBefore(time, (expiry, address) => {
      const l = this.#byAddress.get(address);
      if (l === undefined || !isExpiring(l) || l.cltt + l.validLifetime !== expiry) return true;
      // The same (expiry, address) can be in the heap twice after an A→B→A change; report it once.
      seen ??= new Set();
      if (seen.has(address)) return true;
      seen.add(address);
      out.push(l);
      return out.length < limit;
    });
    return out;
  }

  /** Leases with address > `after` (null: from the start), ascending, at most `limit`. */
  scan(after: Ip4 | null, limit: number): Lease4[] {
    const map = this.#byAddress;
    const addrs = this.#order.page(after, limit, (a) => map.has(a), () => map.keys());
    return addrs.map((a) => map.get(a)!);
  }

  #lookup(index: MultiIndex, key: string): Lease4[] {
    const hit = index.get(key);
    if (hit === undefined) return [];
    if (typeof hit === 'number') return [this.#byAddress.get(hit)!];
    return hit.map((a) => this.#byAddress.get(a)!);
  }

  #unindex(lease: Lease4): void {
    removeFrom(this.#byHw, lease.hwAddress, lease.address);
    if (lease.clientId !== null) removeFrom(this.#byClientId, lease.clientId, lease.address);
    removeFrom(this.#byHostname, lease.hostname, lease.address);
    if (isExpiring(lease)) this.#expiring--;
  }

  #maybeRebuildExpiry(): void {
    const heap = this.#expiry;
    if (heap.size < 4096 || heap.size < 2 * this.#expiring) return;
    heap.clear();
    for (const l of this.#byAddress.values()) {
      if (isExpiring(l)) heap.push(l.cltt + l.validLifetime, l.address);
    }
  }
}

function isExpiring(lease: Lease4): boolean {
  return lease.state === 'default' || lease.state === 'declined';
}

function addTo(index: MultiIndex, key: string, address: Ip4): void {
  if (key === '') return;
  const hit = index.get(key);
  if (hit === undefined) index.set(key, address);
  else if (typeof hit === 'number') index.set(key, [hit, address]);
  else hit.push(address);
}

function removeFrom(index: MultiIndex, key: string, address: Ip4): void {
  if (key === '') return;
  const hit = index.get(key);
  if (hit === undefined) return;
  if (typeof hit === 'number') {
    if (hit === address) index.delete(key);
    return;
  }
  const rest = hit.filter((a) => a !== address);
  if (rest.length === 0) index.delete(key);
  else if (rest.length === 1) index.set(key, rest[0]!);
  else index.set(key, rest);
}
