import { isAbsolute, join } from 'node:path';
import type { Clock } from '../util/index.ts';
import type { LeaseDatabase } from '../model/index.ts';
import type { LeaseStore } from './lease-store.ts';
import { createMemoryLeaseStore } from './memory/index.ts';
import { createJournalLeaseStore } from './journal/index.ts';

export type LeaseStoreDeps = {
  clock: Clock;
  log?: (id: string, fields: Record<string, unknown>) => void;
  /** Directory a relative `name` is resolved against; defaults to the working directory. */
  dataDir?: string;
};

/** The store the config asks for: memory only (persist false) or the journal at `name`. */
export async function createLeaseStore(db: LeaseDatabase, deps: LeaseStoreDeps): Promise<LeaseStore> {
  if (!db.persist) return deps.log === undefined ? createMemoryLeaseStore() : createMemoryLeaseStore({ log: deps.log });
  const path = isAbsolute(db.name) ? db.name : join(deps.dataDir ?? process.cwd(), db.name);
  return createJournalLeaseStore({
    path,
    lfcIntervalSec: db.lfcInterval,
    clock: deps.clock,
    ...(deps.log !== undefined ? { log: deps.log } : {}),
  });
}
