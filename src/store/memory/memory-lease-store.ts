import type { Ip4 } from '../../util/index.ts';
import type { Lease4, LeaseVersion } from '../../model/index.ts';
import { StoreError } from '../lease-store.ts';
import type { LeaseChange4, LeaseQuery4, LeaseStore } from '../lease-store.ts';
import { MemoryLeaseIndex } from './memory-lease-index.ts';
import { ChangeListeners, applyChange, planInsert, planRemove, planUpdate } from './lease-changes.ts';

export type MemoryLeaseStoreOptions = {
  log?: (id: string, fields: Record<string, unknown>) => void;
};

/** A LeaseStore that keeps leases only in memory (Kea's memfile with persist=false). */
export function createMemoryLeaseStore(opts: MemoryLeaseStoreOptions = {}): LeaseStore {
  const index = new MemoryLeaseIndex();
  const listeners = new ChangeListeners((err) => opts.log?.('STORE_LISTENER_FAILED', { error: String(err) }));
  let closed = false;

  function commit(plan: () => LeaseChange4 | StoreError): Promise<void> {
    try {
      if (closed) throw new StoreError('ERR_STORE_CLOSED', 'lease store is closed');
      const change = plan();
      if (change instanceof StoreError) return Promise.reject(change);
      applyChange(index, change);
      listeners.emit(change);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  return {
    get4: (address: Ip4) => Promise.resolve(index.get(address) ?? null),
    find4: (query: LeaseQuery4) => Promise.resolve(index.find(query)),
    insert4: (lease: Lease4) => commit(() => planInsert(index, lease)),
    update4: (lease: Lease4, expected: LeaseVersion) => commit(() => planUpdate(index, lease, expected)),
    remove4: (address: Ip4, expected: LeaseVersion) => commit(() => planRemove(index, address, expected)),
    expiredBefore4: (time: number, limit: number) => Promise.resolve(index.expiredBefore(time, limit)),
    scan4: (after: Ip4 | null, limit: number) => Promise.resolve(index.scan(after, limit)),
    onChange: (listener) => listeners.add(listener),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}
