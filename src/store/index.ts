export type { LeaseChange4, LeaseQuery4, LeaseStore } from './lease-store.ts';
export { StoreError, StoreConflictError } from './lease-store.ts';
export { createMemoryLeaseStore } from './memory/index.ts';
export type { MemoryLeaseStoreOptions } from './memory/index.ts';
export { createJournalLeaseStore } from './journal/index.ts';
export type { JournalLeaseStore, JournalLeaseStoreOptions, JournalReplayInfo, JournalIo, JournalFileHandle, JournalStats } from './journal/index.ts';
export { createLeaseStore } from './create-lease-store.ts';
export type { LeaseStoreDeps } from './create-lease-store.ts';
export { readStoredLeases4 } from './read-leases.ts';
