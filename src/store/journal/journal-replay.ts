import { closeSync, openSync, readSync } from 'node:fs';
import { StoreError } from '../lease-store.ts';
import type { MemoryLeaseIndex } from '../memory/index.ts';
import { decodeRecord } from './journal-record.ts';

export type ReplayResult = {
  /** Lines that decoded as records (including tombstones and records of other families). */
  readonly records: number;
  /** Bad lines before the last good record: skipped and counted. */
  readonly skipped: number;
  /** True when bytes after the last good record were ignored (torn last write). */
  readonly tornTail: boolean;
  /** Length of the file up to and including the last good record's newline. */
  readonly goodBytes: number;
  readonly fileBytes: number;
  readonly maxSeq: number;
};

type Log = (id: string, fields: Record<string, unknown>) => void;

const CHUNK = 4 << 20;

/**
 * Reads a journal into `index`, last writer wins per address. Reads in chunks so a journal larger
 * than the maximum string length still loads. A missing file is an empty journal.
 */
export function replayJournal(path: string, index: MemoryLeaseIndex, log: Log): ReplayResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { records: 0, skipped: 0, tornTail: false, goodBytes: 0, fileBytes: 0, maxSeq: 0 };
    }
    throw new StoreError('ERR_STORE_IO', `cannot open lease journal ${path}`, { cause: err });
  }
  let records = 0;
  let skipped = 0;
  let maxSeq = 0;
  let goodBytes = 0;
  let lineNo = 0;
  /** Bad lines seen since the last good record: [line number, reason, preview]. */
  let pendingBad: [number, string, string][] = [];
  let fileBytes = 0;
  let carry = Buffer.alloc(0);
  let carryStart = 0; // file offset of carry[0]
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK, fileBytes);
      if (n === 0) break;
      fileBytes += n;
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        lineNo++;
        if (nl > start) {
          const line = buf.toString('utf8', start, nl);
          const rec = decodeRecord(line);
          if (rec.kind === 'bad') {
            pendingBad.push([lineNo, rec.reason, line.slice(0, 80)]);
          } else {
            for (const [ln, reason, preview] of pendingBad) {
              skipped++;
              log('STORE_JOURNAL_BAD_RECORD', { path, line: ln, reason, preview });
            }
            pendingBad = [];
            records++;
            if (rec.kind === 'put') index.put(rec.lease);
            else if (rec.kind === 'delete') index.delete(rec.address);
            if (rec.kind !== 'skip' && rec.seq > maxSeq) maxSeq = rec.seq;
            goodBytes = carryStart + nl + 1;
          }
        }
        start = nl + 1;
      }
      carry = Buffer.from(buf.subarray(start));
      carryStart += start;
    }
  } finally {
    closeSync(fd);
  }
  const tailText = carry.toString('utf8').trim();
  const tornTail = pendingBad.length > 0 || tailText.length > 0;
  if (tornTail && records === 0) {
    throw new StoreError('ERR_STORE_CORRUPT', `${path} holds no lease journal records; refusing to truncate it`);
  }
  if (tornTail) {
    log('STORE_JOURNAL_TORN_TAIL', {
      path, ignoredBytes: fileBytes - goodBytes, ignoredLines: pendingBad.length + (tailText.length > 0 ? 1 : 0),
      preview: (pendingBad[0]?.[2] ?? tailText).slice(0, 80),
    });
  }
  return { records, skipped, tornTail, goodBytes, fileBytes, maxSeq };
}
