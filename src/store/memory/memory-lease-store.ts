import { StoreError } from '../lease-store.ts';
import type { LeaseChange4, LeaseStore } from '../lease-store.ts';
import { MemoryLeaseIndex } from './memory-lease-index.ts';
import { ChangeListeners, applyChange, indexBackedStore } from './lease-changes.ts';

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
    ...indexBackedStore(index, listeners, commit),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}
