import type { Ip4 } from '../../util/index.ts';
import type { Lease4, LeaseVersion } from '../../model/index.ts';
import { StoreConflictError, StoreError } from '../lease-store.ts';
import type { LeaseChange4, LeaseQuery4, LeaseStore } from '../lease-store.ts';
import type { MemoryLeaseIndex } from './memory-lease-index.ts';

const STATES = new Set(['default', 'declined', 'expired-reclaimed']);

/**
 * A clean copy of a caller's lease with exactly the Lease4 fields (one object shape for every
 * stored lease). Throws StoreError ERR_STORE_INVALID_LEASE for values no store can hold.
 */
export function normalizeLease(l: Lease4): Lease4 {
  const ok =
    Number.isInteger(l.address) && l.address >= 0 && l.address <= 0xffffffff &&
    typeof l.hwAddress === 'string' &&
    (l.clientId === null || typeof l.clientId === 'string') &&
    Number.isInteger(l.subnetId) && l.subnetId >= 0 &&
    Number.isFinite(l.cltt) && Number.isFinite(l.validLifetime) && l.validLifetime >= 0 &&
    typeof l.hostname === 'string' && STATES.has(l.state);
  if (!ok) throw new StoreError('ERR_STORE_INVALID_LEASE', `invalid lease for address ${String(l.address)}`);
  return {
    address: l.address, hwAddress: l.hwAddress, clientId: l.clientId, subnetId: l.subnetId,
    cltt: l.cltt, validLifetime: l.validLifetime, hostname: l.hostname, state: l.state,
  };
}

function sameVersion(l: Lease4, v: LeaseVersion): boolean {
  return l.cltt === v.cltt && l.validLifetime === v.validLifetime;
}

/** Decides an insert against the index (compare-and-set): the change, or the conflict. */
export function planInsert(index: MemoryLeaseIndex, lease: Lease4): LeaseChange4 | StoreConflictError {
  const l = normalizeLease(lease);
  if (index.get(l.address) !== undefined) return new StoreConflictError(`address ${fmt(l.address)} is already leased`);
  return { kind: 'insert', lease: l, before: null };
}

export function planUpdate(index: MemoryLeaseIndex, lease: Lease4, expected: LeaseVersion): LeaseChange4 | StoreConflictError {
  const l = normalizeLease(lease);
  const before = index.get(l.address);
  if (before === undefined) return new StoreConflictError(`no lease for ${fmt(l.address)} to update`);
  if (!sameVersion(before, expected)) return new StoreConflictError(`lease for ${fmt(l.address)} changed since it was read`);
  return { kind: 'update', lease: l, before };
}

export function planRemove(index: MemoryLeaseIndex, address: Ip4, expected: LeaseVersion): LeaseChange4 | StoreConflictError {
  const before = index.get(address);
  if (before === undefined) return new StoreConflictError(`no lease for ${fmt(address)} to remove`);
  if (!sameVersion(before, expected)) return new StoreConflictError(`lease for ${fmt(address)} changed since it was read`);
  return { kind: 'remove', lease: before, before };
}

export function applyChange(index: MemoryLeaseIndex, change: LeaseChange4): void {
  if (change.kind === 'remove') index.delete(change.lease.address);
  else index.put(change.lease);
}

/** Listeners for committed changes. A throwing listener is reported and does not stop the others. */
export class ChangeListeners {
  readonly #listeners = new Set<(change: LeaseChange4) => void>();
  readonly #onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  add(listener: (change: LeaseChange4) => void): () => void {
    // Wrap so that the same function subscribed twice is called twice and unsubscribes separately.
    const entry = (c: LeaseChange4): void => listener(c);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(change: LeaseChange4): void {
    for (const l of this.#listeners) {
      try {
        l(change);
      } catch (err) {
        this.#onError(err);
      }
    }
  }
}

function fmt(a: Ip4): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/**
 * The LeaseStore methods both stores share: reads straight from the index, and writes planned
 * against it (compare-and-set) and handed to `commit`, which applies and persists the change.
 */
export function indexBackedStore(
  index: MemoryLeaseIndex, listeners: ChangeListeners, commit: (plan: () => LeaseChange4 | StoreConflictError) => Promise<void>,
): Omit<LeaseStore, 'close'> {
  return {
    get4: (address: Ip4) => Promise.resolve(index.get(address) ?? null),
    find4: (query: LeaseQuery4) => Promise.resolve(index.find(query)),
    insert4: (lease: Lease4) => commit(() => planInsert(index, lease)),
    update4: (lease: Lease4, expected: LeaseVersion) => commit(() => planUpdate(index, lease, expected)),
    remove4: (address: Ip4, expected: LeaseVersion) => commit(() => planRemove(index, address, expected)),
    expiredBefore4: (time: number, limit: number) => Promise.resolve(index.expiredBefore(time, limit)),
    scan4: (after: Ip4 | null, limit: number) => Promise.resolve(index.scan(after, limit)),
    onChange: (listener) => listeners.add(listener),
  };
}
