import { isAbsolute, join } from 'node:path';
import type { Lease4, LeaseDatabase } from '../model/index.ts';
import { MemoryLeaseIndex } from './memory/index.ts';
import { replayJournal } from './journal/journal-replay.ts';

/**
 * Reads the leases a journal holds without opening it for writing (no lock), so that
 * `tandem leases` works beside a running server. Ordered by address.
 */
export function readStoredLeases4(db: LeaseDatabase, dataDir?: string): Lease4[] {
  if (!db.persist) return [];
  const path = isAbsolute(db.name) ? db.name : join(dataDir ?? process.cwd(), db.name);
  const index = new MemoryLeaseIndex();
  replayJournal(path, index, () => {});
  return index.scan(null, Number.MAX_SAFE_INTEGER);
}
