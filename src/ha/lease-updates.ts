import type { Ip4 } from '../util/index.ts';
import { formatIp4 } from '../util/index.ts';
import type { Lease4 } from '../model/index.ts';
import type { LeaseChange4, LeaseStore } from '../store/index.ts';
import { RESULT, bulkApplyAnswer, lease4BulkApply } from './commands.ts';
import type { CommandJson } from './commands.ts';
import type { PartnerResult } from './partner-client.ts';

/**
 * Replication of lease changes to the partner (DESIGN "Normal state"): every change the store
 * publishes is queued and sent as `lease4-bulk-apply` batches. Batches are pipelined (a new one
 * leaves while others are in flight, up to `maxInFlight`) and bounded (`maxBatch` leases).
 * Changes that came FROM the partner are marked by the applier (`expectEcho`) and never sent back.
 * Each change has a waiter, so the exchange can hold its ACK until the batch carrying its lease is
 * acknowledged (`waitFor`), or give up on failure or after `ackTimeoutMs`.
 */
export type LeaseUpdates = {
  /**
   * Turns sending on or off (the state decides). While off, changes are counted as unsent and kept,
   * the latest per address; turning sending back on sends them first.
   */
  setEnabled(on: boolean): void;
  enabled(): boolean;
  /** The applier is about to write this partner lease: its change must not be sent back. */
  expectEcho(lease: Lease4, removed: boolean): void;
  /** The write announced with expectEcho did not happen (skipped or failed). */
  cancelEcho(lease: Lease4, removed: boolean): void;
  /** Resolves true once the batch holding this lease's latest change is acked; false on failure or timeout. */
  waitFor(lease: Lease4): Promise<boolean>;
  /** Kea's unsent-update-count: changes not sent to the partner since start (while sending was off). */
  unsentCount(): number;
  /** Changes queued or in flight. */
  pendingCount(): number;
  /** Addresses with a change kept while sending was off (sent when it is back on). */
  backlogCount(): number;
  /** Stops listening; pending waiters resolve false. */
  close(): void;
};

export type LeaseUpdatesOptions = {
  readonly store: LeaseStore;
  readonly send: (command: CommandJson) => Promise<PartnerResult>;
  readonly maxBatch?: number;
  readonly maxInFlight?: number;
  readonly ackTimeoutMs?: number;
  /** The partner refused a lease with a conflict (result 4). */
  readonly onRejected?: (lease: Lease4, reason: string) => void;
  /** A batch failed as a whole (partner unreachable, error answer). */
  readonly onBatchFailed?: (error: string, leases: number) => void;
  /** The partner acknowledged this change: it now holds this lease (or, removed, none). */
  readonly onAcked?: (lease: Lease4, removed: boolean) => void;
  /** This change is leaving for the partner: until acked, the partner may or may not hold it. */
  readonly onSent?: (lease: Lease4, removed: boolean) => void;
};

type Item = {
  readonly key: string;
  readonly lease: Lease4;
  readonly removed: boolean;
  /** null while queued or in flight. */
  outcome: boolean | null;
  readonly waiters: Array<(ok: boolean) => void>;
};

const DONE_KEPT = 10_000;

/** The identity of one change of one lease: what the ACK path asks about. */
function changeKey(lease: Lease4, removed: boolean): string {
  return `${lease.address}|${lease.cltt}|${lease.validLifetime}|${lease.state}|${removed ? 'r' : 'w'}`;
}

export function createLeaseUpdates(opts: LeaseUpdatesOptions): LeaseUpdates {
  const maxBatch = Math.max(1, opts.maxBatch ?? 1000);
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 4);
  const ackTimeoutMs = opts.ackTimeoutMs ?? 10_000;
  let on = false;
  let unsent = 0;
  let inFlight = 0;
  let flushScheduled = false;
  let closed = false;
  const queue: Item[] = [];
  /** Changes made while sending was off, the latest per address (bounded by the pools' size). */
  const backlog = new Map<Ip4, { readonly lease: Lease4; readonly removed: boolean }>();
  /** Latest change per key, queued, in flight or recently done (bounded, oldest forgotten first). */
  const items = new Map<string, Item>();
  const echoes = new Map<string, number>();

  const settle = (item: Item, ok: boolean): void => {
    if (item.outcome !== null) return;
    item.outcome = ok;
    for (const w of item.waiters.splice(0)) w(ok);
    // Keep the outcome a little for a waiter that asks after the ack; forget the oldest beyond a bound.
    while (items.size > DONE_KEPT) {
      const oldest = items.keys().next();
      if (oldest.done === true) break;
      const it = items.get(oldest.value)!;
      if (it.outcome === null) break;
      items.delete(oldest.value);
    }
  };

  const onChange = (change: LeaseChange4): void => {
    if (closed) return;
    const removed = change.kind === 'remove';
    const key = changeKey(change.lease, removed);
    const pendingEchoes = echoes.get(key) ?? 0;
    if (pendingEchoes > 0) {
      if (pendingEchoes === 1) echoes.delete(key); else echoes.set(key, pendingEchoes - 1);
      // The partner's change supersedes one of ours kept for it: the partner holds the newer lease.
      const kept = backlog.get(change.lease.address);
      if (kept !== undefined && kept.lease.cltt <= change.lease.cltt) backlog.delete(change.lease.address);
      return;
    }
    // Each server flushes its own reclaimed leases (expired-leases-processing). Sending those removals
    // would race with the partner leasing the address again, and its delete names only the address.
    if (removed && change.lease.state === 'expired-reclaimed') return;
    if (!on) {
      unsent++;
      backlog.set(change.lease.address, { lease: change.lease, removed });
      return;
    }
    enqueue(key, change.lease, removed);
  };

  function enqueue(key: string, lease: Lease4, removed: boolean): void {
    const item: Item = { key, lease, removed, outcome: null, waiters: [] };
    items.delete(key);
    items.set(key, item);
    queue.push(item);
    scheduleFlush();
  }
  const unsubscribe = opts.store.onChange(onChange);

  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    // Coalesce the changes committed in this turn of the event loop into one batch.
    setImmediate(() => { flushScheduled = false; flush(); });
  }

  function flush(): void {
    while (!closed && queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      void sendBatch(batch).finally(() => {
        inFlight--;
        if (queue.length > 0) scheduleFlush();
      });
    }
  }

  async function sendBatch(batch: Item[]): Promise<void> {
    const leases = batch.filter((i) => !i.removed).map((i) => i.lease);
    const deletedLeases = batch.filter((i) => i.removed).map((i) => i.lease);
    for (const item of batch) opts.onSent?.(item.lease, item.removed);
    let result: PartnerResult;
    try {
      result = await opts.send(lease4BulkApply.build({ leases, deletedLeases }));
    } catch (error) {
      result = { ok: false, code: 'ERR_HA_PARTNER_UNREACHABLE', error: String(error) };
    }
    if (!result.ok) {
      opts.onBatchFailed?.(result.error, batch.length);
      for (const item of batch) settle(item, false);
      return;
    }
    const { result: code, text, arguments: args } = result.answer;
    if (code !== RESULT.SUCCESS && code !== RESULT.EMPTY) {
      opts.onBatchFailed?.(`result ${code}: ${text}`, batch.length);
      for (const item of batch) settle(item, false);
      return;
    }
    const failed = bulkApplyAnswer.parse(args);
    const failedSet = new Set<string>();
    if (failed.ok) {
      for (const f of failed.value) {
        failedSet.add(f.ipAddress);
        if (f.result === RESULT.CONFLICT) {
          const item = batch.find((i) => formatIp4(i.lease.address) === f.ipAddress);
          if (item !== undefined) opts.onRejected?.(item.lease, f.errorMessage);
        }
      }
    }
    for (const item of batch) {
      const ok = failedSet.size === 0 || !failedSet.has(formatIp4(item.lease.address));
      if (ok) opts.onAcked?.(item.lease, item.removed);
      settle(item, ok);
    }
  }

  const echoAdd = (key: string, delta: number): void => {
    const n = (echoes.get(key) ?? 0) + delta;
    if (n <= 0) echoes.delete(key); else echoes.set(key, n);
  };

  return {
    setEnabled(next) {
      const resumed = next && !on;
      on = next;
      if (!resumed || closed) return;
      // What changed while the partner could not be told goes first, so the two stores converge
      // even for changes made after the partner read that part of our leases during its sync.
      for (const { lease, removed } of backlog.values()) enqueue(changeKey(lease, removed), lease, removed);
      backlog.clear();
    },
    enabled: () => on,
    expectEcho: (lease, removed) => echoAdd(changeKey(lease, removed), 1),
    cancelEcho: (lease, removed) => echoAdd(changeKey(lease, removed), -1),
    waitFor(lease) {
      const item = items.get(changeKey(lease, false));
      if (item === undefined) return Promise.resolve(false);
      if (item.outcome !== null) return Promise.resolve(item.outcome);
      return new Promise<boolean>((resolve) => {
        let answered = false;
        const timer = setTimeout(() => { answered = true; resolve(false); }, ackTimeoutMs);
        item.waiters.push((ok) => {
          if (answered) return;
          clearTimeout(timer);
          resolve(ok);
        });
      });
    },
    unsentCount: () => unsent,
    backlogCount: () => backlog.size,
    pendingCount: () => {
      let n = 0;
      for (const it of items.values()) if (it.outcome === null) n++;
      return n;
    },
    close() {
      closed = true;
      unsubscribe();
      queue.length = 0;
      backlog.clear();
      for (const it of items.values()) settle(it, false);
      items.clear();
    },
  };
}
