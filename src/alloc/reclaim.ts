import type { Clock, Ip4 } from '../util/index.ts';
import type { ExpiredLeasesProcessing, Lease4 } from '../model/index.ts';
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
}): Reclaimer4 {
  const { store, clock, settings } = deps;
  const timers: NodeJS.Timeout[] = [];
  let running = false;

  async function reclaim() {
    const started = clock.monotonicMs();
    const limit = settings.maxReclaimLeases > 0 ? settings.maxReclaimLeases : 1_000_000;
    const expired = await store.expiredBefore4(clock.now(), limit);
    let reclaimed = 0;
    let declinedExpired = 0;
    for (const lease of expired) {
      if (settings.maxReclaimTime > 0 && clock.monotonicMs() - started > settings.maxReclaimTime) break;
      const next: Lease4 = { ...lease, state: 'expired-reclaimed' };
      try {
        await store.update4(next, leaseVersion(lease));
        if (lease.state === 'declined') declinedExpired++; else reclaimed++;
      } catch (error) {
        if (!(error instanceof StoreConflictError)) throw error; // renewed meanwhile: nothing to do
      }
    }
    return { reclaimed, declinedExpired, more: expired.length >= limit };
  }

  async function flush(holdSec = settings.holdReclaimedTime) {
    const cutoff = clock.now() - holdSec;
    let after: Ip4 | null = null;
    let flushed = 0;
    for (;;) {
      const page = await store.scan4(after, 5000);
      for (const lease of page) {
        if (lease.state !== 'expired-reclaimed' || leaseExpiry(lease) > cutoff) continue;
        try {
          await store.remove4(lease.address, leaseVersion(lease));
          flushed++;
        } catch (error) {
          if (!(error instanceof StoreConflictError)) throw error;
        }
      }
      if (page.length < 5000) return flushed;
      after = page[page.length - 1]!.address;
    }
  }

  async function guarded(work: () => Promise<{ reclaimed: number; declinedExpired: number; flushed: number }>) {
    if (running) return;
    running = true;
    try {
      const result = await work();
      if (result.reclaimed + result.declinedExpired + result.flushed > 0) deps.onReclaimed?.(result);
    } catch {
      // A failed cycle is retried at the next tick; a broken store is reported by the store itself.
    } finally {
      running = false;
    }
  }

  return {
    reclaim,
    flush,
    start() {
      if (settings.reclaimTimerWaitTime > 0) {
        timers.push(setInterval(() => void guarded(async () => ({ ...(await reclaim()), flushed: 0 })), settings.reclaimTimerWaitTime * 1000).unref());
      }
      if (settings.flushReclaimedTimerWaitTime > 0) {
        timers.push(setInterval(() => void guarded(async () => ({ reclaimed: 0, declinedExpired: 0, flushed: await flush() })), settings.flushReclaimedTimerWaitTime * 1000).unref());
      }
    },
    stop() { for (const t of timers.splice(0)) clearInterval(t); },
  };
}
