import { mkdirSync, truncateSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Clock } from '../../util/index.ts';
import { StoreError } from '../lease-store.ts';
import type { LeaseChange4, LeaseStore } from '../lease-store.ts';
import { ChangeListeners, MemoryLeaseIndex, applyChange, indexBackedStore } from '../memory/index.ts';
import { acquireJournalLock } from './journal-lock.ts';
import { encodeRecord } from './journal-record.ts';
import { replayJournal } from './journal-replay.ts';
import { nodeJournalIo } from './journal-io.ts';
import type { JournalIo } from './journal-io.ts';
import { JournalWriter } from './journal-writer.ts';
import type { JournalStats } from './journal-writer.ts';

export type JournalLeaseStoreOptions = {
  path: string;
  /** Seconds between compactions (Kea's lfc-interval); 0 = never. */
  lfcIntervalSec: number;
  clock: Clock;
  log?: (id: string, fields: Record<string, unknown>) => void;
  /** File operations after startup; defaults to node:fs/promises. For fault-injection tests. */
  io?: JournalIo;
};

export type JournalReplayInfo = {
  readonly records: number;
  readonly leases: number;
  readonly tornTail: boolean;
  readonly skipped: number;
  readonly ms: number;
};

export interface JournalLeaseStore extends LeaseStore {
  /** Rewrites the journal as one record per live lease (also run every lfcIntervalSec). */
  compact(): Promise<void>;
  readonly replay: JournalReplayInfo;
  /** Write, fsync and record counters since open. */
  readonly stats: Readonly<JournalStats>;
}

/**
 * The embedded lease store: memory indexes plus an append-only JSONL journal with group commit.
 * Writes are decided and applied to memory at call time (compare-and-set in call order) and
 * resolve after the fdatasync of a write containing their record.
 */
export async function createJournalLeaseStore(opts: JournalLeaseStoreOptions): Promise<JournalLeaseStore> {
  const log = opts.log ?? (() => undefined);
  const io = opts.io ?? nodeJournalIo;
  const path = resolve(opts.path);
  const started = opts.clock.monotonicMs();
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new StoreError('ERR_STORE_IO', `cannot create directory for ${path}`, { cause: err });
  }
  const lock = acquireJournalLock(path, log);
  const index = new MemoryLeaseIndex();
  let writer: JournalWriter;
  let replayInfo: JournalReplayInfo;
  let seq: number;
  try {
    const r = replayJournal(path, index, log);
    if (r.goodBytes < r.fileBytes) truncateSync(path, r.goodBytes);
    seq = r.maxSeq;
    const fh = await io.open(path, 'a');
    writer = new JournalWriter(path, fh, io, log);
    replayInfo = {
      records: r.records, leases: index.size, tornTail: r.tornTail, skipped: r.skipped,
      ms: Math.round(opts.clock.monotonicMs() - started),
    };
    log('STORE_JOURNAL_LOADED', { path, ...replayInfo });
  } catch (err) {
    lock.release();
    if (err instanceof StoreError) throw err;
    throw new StoreError('ERR_STORE_IO', `cannot open lease journal ${path}`, { cause: err });
  }

  const listeners = new ChangeListeners((err) => log('STORE_LISTENER_FAILED', { error: String(err) }));
  let closed = false;
  let closing: Promise<void> | null = null;

  function commit(plan: () => LeaseChange4 | StoreError): Promise<void> {
    try {
      if (closed) throw new StoreError('ERR_STORE_CLOSED', 'lease store is closed');
      const poison = writer.poisoned;
      if (poison !== null) throw poison;
      const change = plan();
      if (change instanceof StoreError) return Promise.reject(change);
      applyChange(index, change);
      const line = encodeRecord(change.lease, ++seq, change.kind === 'remove');
      return new Promise<void>((resolveWrite, rejectWrite) => {
        writer.append(line, (err) => {
          if (err !== null) return rejectWrite(err);
          listeners.emit(change);
          resolveWrite();
        });
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async function compact(): Promise<void> {
    if (closed) throw new StoreError('ERR_STORE_CLOSED', 'lease store is closed');
    try {
      const { leases, ms } = await writer.compact(() => Array.from(index.values()), seq);
      log('STORE_JOURNAL_COMPACTED', { path, leases, ms });
    } catch (err) {
      log('STORE_JOURNAL_COMPACTION_FAILED', { path, error: String(err) });
      throw err;
    }
  }

  const timer = opts.lfcIntervalSec > 0
    ? setInterval(() => void compact().catch(() => undefined), opts.lfcIntervalSec * 1000)
    : null;
  timer?.unref();

  return {
    get replay() {
      return replayInfo;
    },
    get stats() {
      return writer.stats;
    },
    ...indexBackedStore(index, listeners, commit),
    compact,
    close: () => {
      if (closing !== null) return closing;
      closed = true;
      if (timer !== null) clearInterval(timer);
      closing = writer.close().finally(() => lock.release());
      return closing;
    },
  };
}
