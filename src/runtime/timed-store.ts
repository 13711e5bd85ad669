import type { LeaseStore } from '../store/index.ts';
import type { Histogram } from '../obs/index.ts';

/**
 * A LeaseStore that records how long each write (insert4, update4, remove4) takes to become durable,
 * in seconds, failed writes included. Reads pass straight through.
 */
export function timeLeaseStore(store: LeaseStore, writes: Histogram, now: () => number = () => performance.now()): LeaseStore {
  const timed = async (work: () => Promise<void>) => {
    const start = now();
    try {
      await work();
    } finally {
      writes.observe((now() - start) / 1000);
    }
  };
  return {
    get4: (address) => store.get4(address),
    find4: (query) => store.find4(query),
    insert4: (lease) => timed(() => store.insert4(lease)),
    update4: (lease, expected) => timed(() => store.update4(lease, expected)),
    remove4: (address, expected) => timed(() => store.remove4(address, expected)),
    expiredBefore4: (time, limit) => store.expiredBefore4(time, limit),
    scan4: (after, limit) => store.scan4(after, limit),
    onChange: (listener) => store.onChange(listener),
    close: () => store.close(),
  };
}
