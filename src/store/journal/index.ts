export { createJournalLeaseStore } from './journal-lease-store.ts';
export type { JournalLeaseStore, JournalLeaseStoreOptions, JournalReplayInfo } from './journal-lease-store.ts';
export type { JournalFileHandle, JournalIo } from './journal-io.ts';
export { nodeJournalIo } from './journal-io.ts';
export type { JournalStats } from './journal-writer.ts';
export { decodeRecord, encodeRecord, JOURNAL_RECORD_VERSION } from './journal-record.ts';
export type { JournalRecord } from './journal-record.ts';
