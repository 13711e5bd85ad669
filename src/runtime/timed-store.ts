import type { LeaseStore } from '../store/index.ts';
import type { Histogram } from '../obs/index.ts';

/**
 * A LeaseStore that records how long each write (insert4, update4, remove4) takes to become durable,
 * in seconds, failed writes included. Reads pass straight through.
 */
export function timeLeaseStore(store: LeaseStore, writes: Histogram, now: () => number = () => performance.now()): LeaseStore {
  // Every lease write passes here: the store's own promise is returned, observed on the side
  // (no extra async frame per write).
  const timed = (work: () => Promise<void>): Promise<void> => {
    const start = now();
    let p: Promise<void>;
    try {
      p = work();
    } catch (error) {
      p = Promise.reject(error);
    }
    const done = (): void => writes.observe((now() - start) / 1000);
    p.then(done, done);
    return p;
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
