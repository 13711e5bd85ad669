import type { Clock, Ip4 } from '../util/index.ts';
import type { ExpiredLeasesProcessing } from '../model/index.ts';
import { leaseExpiry, leaseVersion } from '../model/index.ts';
import type { LeaseStore } from '../store/index.ts';
import { StoreConflictError } from '../store/index.ts';

export interface Reclaimer4 {
  /** One reclamation cycle: expired leases (and declined ones past probation) become expired-reclaimed. */
  reclaim(): Promise<{ reclaimed: number; declinedExpired: number; more: boolean }>;
  /** Removes expired-reclaimed leases older than hold-reclaimed-time (or `holdSec` when given). */
  flush(holdSec?: number): Promise<number>;
  start(): void;
  stop(): void;
}

/**
 * Kea's expired-leases-processing, with its parameters: a reclaim cycle every
 * reclaim-timer-wait-time seconds handling at most max-reclaim-leases within max-reclaim-time ms,
 * and a flush of reclaimed leases every flush-reclaimed-timer-wait-time seconds.
 */
export function createReclaimer4(deps: {
  store: LeaseStore;
  clock: Clock;
  settings: ExpiredLeasesProcessing;
  onReclaimed?: (result: { reclaimed: number; declinedExpired: number; flushed: number }) => void;
  /** A cycle failed (the store refused writes); it is tried again at the next tick. */
  onFailed?: (kind: 'reclaim' | 'flush', error: unknown) => void;
}): Reclaimer4 {
  const { store, clock, settings } = deps;
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<'reclaim' | 'flush'>();

  async function reclaim() {
    const started = clock.monotonicMs();
    const limit = settings.maxReclaimLeases > 0 ? settings.maxReclaimLeases : 1_000_000;
    const expired = await store.expiredBefore4(clock.now(), limit);
    let reclaimed = 0;
    let declinedExpired = 0;
    // Issued together so they share the journal's group commit; bounded by max-reclaim-time.
    const batch: Array<Promise<void>> = [];
    for (const lease of expired) {
      if (settings.maxReclaimTime > 0 && clock.monotonicMs() - started > settings.maxReclaimTime) break;
      batch.push(store.update4({ ...lease, state: 'expired-reclaimed' }, leaseVersion(lease)).then(() => {
        if (lease.state === 'declined') declinedExpired++; else reclaimed++;
      }));
    }
    await settleIgnoringConflicts(batch);
    return { reclaimed, declinedExpired, more: expired.length >= limit };
  }

  async function flush(holdSec = settings.holdReclaimedTime) {
    const cutoff = clock.now() - holdSec;
    let after: Ip4 | null = null;
    let flushed = 0;
    for (;;) {
      const page = await store.scan4(after, 5000);
      const batch: Array<Promise<void>> = [];
      for (const lease of page) {
        if (lease.state !== 'expired-reclaimed' || leaseExpiry(lease) > cutoff) continue;
        batch.push(store.remove4(lease.address, leaseVersion(lease)).then(() => { flushed++; }));
      }
      await settleIgnoringConflicts(batch);
      if (page.length < 5000) return flushed;
      after = page[page.length - 1]!.address;
    }
  }

  /** Runs one kind of cycle unless the previous one of that kind is still going. */
  function guarded(kind: 'reclaim' | 'flush', work: () => Promise<{ reclaimed: number; declinedExpired: number; flushed: number }>) {
    if (running.has(kind)) return;
    running.add(kind);
    work().then((result) => {
      if (result.reclaimed + result.declinedExpired + result.flushed > 0) deps.onReclaimed?.(result);
    }, (error) => deps.onFailed?.(kind, error)).finally(() => running.delete(kind));
  }

  return {
    reclaim,
    flush,
    start() {
      if (settings.reclaimTimerWaitTime > 0) {
        timers.push(setInterval(() => guarded('reclaim', async () => {
          let total = { reclaimed: 0, declinedExpired: 0, flushed: 0 };
          for (let round = 0; round < 10; round++) { // more than max-reclaim-leases expired: keep going, bounded
            const r = await reclaim();
            total = { reclaimed: total.reclaimed + r.reclaimed, declinedExpired: total.declinedExpired + r.declinedExpired, flushed: 0 };
            if (!r.more) break;
          }
          return total;
        }), settings.reclaimTimerWaitTime * 1000).unref());
      }
      if (settings.flushReclaimedTimerWaitTime > 0) {
        timers.push(setInterval(() => guarded('flush', async () => ({ reclaimed: 0, declinedExpired: 0, flushed: await flush() })), settings.flushReclaimedTimerWaitTime * 1000).unref());
      }
    },
    stop() { for (const t of timers.splice(0)) clearInterval(t); },
  };
}

/** Waits for every write; a conflict means the lease was renewed meanwhile, anything else is raised. */
async function settleIgnoringConflicts(writes: Array<Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof StoreConflictError));
  if (failure !== undefined) throw failure.reason;
}
