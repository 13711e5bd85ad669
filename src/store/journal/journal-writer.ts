import { dirname } from 'node:path';
import type { Lease4 } from '../../model/index.ts';
import { StoreError } from '../lease-store.ts';
import { encodeRecord } from './journal-record.ts';
import { writeFully } from './journal-io.ts';
import type { JournalFileHandle, JournalIo } from './journal-io.ts';

type Log = (id: string, fields: Record<string, unknown>) => void;
type Pending = { readonly line: string; readonly settle: (err: StoreError | null) => void };

export type JournalStats = { writes: number; syncs: number; records: number; compactions: number };

const SNAPSHOT_CHUNK = 4096;

/**
 * Appends journal lines with group commit: while one write + fdatasync is in flight, new lines queue
 * up and go out together in the next write. Compaction runs beside the loop and swaps the file in a
 * short exclusive step between two batches. After a failed write or sync, every pending and later
 * line is refused (the journal is poisoned: callers must not treat anything as durable).
 */
export class JournalWriter {
  readonly #path: string;
  readonly #io: JournalIo;
  readonly #log: Log;
  #fh: JournalFileHandle;
  #queue: Pending[] = [];
  #exclusive: (() => Promise<void>)[] = [];
  #running = false;
  #idle: (() => void)[] = [];
  #poison: StoreError | null = null;
  /** While a compaction is writing its snapshot: the bytes committed to the old file since then. */
  #sideLog: Buffer[] | null = null;
  #compacting: Promise<void> | null = null;
  readonly stats: JournalStats = { writes: 0, syncs: 0, records: 0, compactions: 0 };

  constructor(path: string, fh: JournalFileHandle, io: JournalIo, log: Log) {
    this.#path = path;
    this.#fh = fh;
    this.#io = io;
    this.#log = log;
  }

  get poisoned(): StoreError | null {
    return this.#poison;
  }

  /** Queues one line; `settle` is called once, after the line is durable or has failed. */
  append(line: string, settle: (err: StoreError | null) => void): void {
    this.#queue.push({ line, settle });
    this.#kick();
  }

  /** Resolves when nothing is queued or in flight (including a running compaction). */
  async drain(): Promise<void> {
    while (this.#running || this.#compacting !== null) {
      if (this.#compacting !== null) await this.#compacting.catch(() => undefined);
      if (this.#running) await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
  }

  async close(): Promise<void> {
    await this.drain();
    await this.#fh.close();
  }

  /**
   * Rewrites the journal as one record per live lease. `snapshot` is called synchronously, so it sees
   * one consistent state; batches committed after it are replayed onto the new file before the swap.
   */
  compact(snapshot: () => Lease4[], seq: number): Promise<{ leases: number; ms: number }> {
    if (this.#poison !== null) return Promise.reject(this.#poison);
    if (this.#compacting !== null) return this.#compacting.then(() => this.compact(snapshot, seq));
    const run = this.#compact(snapshot, seq);
    this.#compacting = run.then(() => undefined, () => undefined).finally(() => {
      this.#compacting = null;
    });
    return run;
  }

  async #compact(snapshot: () => Lease4[], seq: number): Promise<{ leases: number; ms: number }> {
    const started = performance.now();
    const tmpPath = `${this.#path}.tmp`;
    const leases = snapshot();
    this.#sideLog = [];
    let tmp: JournalFileHandle | null = null;
    try {
      tmp = await this.#io.open(tmpPath, 'w');
      for (let i = 0; i < leases.length; i += SNAPSHOT_CHUNK) {
        let text = '';
        const end = Math.min(leases.length, i + SNAPSHOT_CHUNK);
        for (let j = i; j < end; j++) text += encodeRecord(leases[j]!, seq);
        await writeFully(tmp, Buffer.from(text));
      }
      await tmp.datasync();
    } catch (err) {
      this.#sideLog = null;
      await this.#discard(tmp, tmpPath);
      throw new StoreError('ERR_STORE_IO', `compaction of ${this.#path} failed`, { cause: err });
    }
    const finalTmp = tmp;
    await new Promise<void>((resolve, reject) => {
      this.#exclusive.push(async () => {
        try {
          await this.#swap(finalTmp, tmpPath);
          resolve();
        } catch (err) {
          reject(err as Error);
        }
      });
      this.#kick();
    });
    this.stats.compactions++;
    return { leases: leases.length, ms: Math.round(performance.now() - started) };
  }

  /** Runs between batches: nothing else touches the files meanwhile. */
  async #swap(tmp: JournalFileHandle, tmpPath: string): Promise<void> {
    const side = this.#sideLog ?? [];
    this.#sideLog = null;
    if (this.#poison !== null) {
      await this.#discard(tmp, tmpPath);
      throw this.#poison;
    }
    try {
      if (side.length > 0) {
        await writeFully(tmp, Buffer.concat(side));
        await tmp.datasync();
      }
      await tmp.close();
    } catch (err) {
      await this.#discard(null, tmpPath);
      throw new StoreError('ERR_STORE_IO', `compaction of ${this.#path} failed`, { cause: err });
    }
    // From the rename on, the old handle points at an unlinked file: any failure poisons the store.
    try {
      await this.#io.rename(tmpPath, this.#path);
      const dir = await this.#io.open(dirname(this.#path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
      const fresh = await this.#io.open(this.#path, 'a');
      const old = this.#fh;
      this.#fh = fresh;
      await old.close().catch(() => undefined);
    } catch (err) {
      this.#fail(err);
      throw this.#poison!;
    }
  }

  async #discard(tmp: JournalFileHandle | null, tmpPath: string): Promise<void> {
    if (tmp !== null) await tmp.close().catch(() => undefined);
    await this.#io.unlink(tmpPath).catch(() => undefined);
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    // Start on a microtask so writes issued in the same tick share the first batch.
    queueMicrotask(() => void this.#run());
  }

  async #run(): Promise<void> {
    try {
      for (;;) {
        const task = this.#exclusive.shift();
        if (task !== undefined) {
          await task();
          continue;
        }
        if (this.#queue.length === 0) break;
        const batch = this.#queue;
        this.#queue = [];
        await this.#commit(batch);
      }
    } finally {
      this.#running = false;
      const waiters = this.#idle;
      this.#idle = [];
      for (const w of waiters) w();
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    if (this.#poison === null) {
      try {
        let text = '';
        for (const p of batch) text += p.line;
        const data = Buffer.from(text);
        await writeFully(this.#fh, data);
        this.stats.writes++;
        await this.#fh.datasync();
        this.stats.syncs++;
        this.stats.records += batch.length;
        this.#sideLog?.push(data);
      } catch (err) {
        this.#fail(err);
      }
    }
    const result = this.#poison;
    for (const p of batch) p.settle(result);
  }

  #fail(err: unknown): void {
    if (this.#poison !== null) return;
    this.#poison = new StoreError('ERR_STORE_IO', `lease journal ${this.#path} cannot be written; no write is durable from now on`, { cause: err });
    this.#log('STORE_JOURNAL_WRITE_FAILED', { path: this.#path, error: String(err) });
  }
}
