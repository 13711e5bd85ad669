export { MemoryLeaseIndex } from './memory-lease-index.ts';
export { createMemoryLeaseStore } from './memory-lease-store.ts';
export type { MemoryLeaseStoreOptions } from './memory-lease-store.ts';
export { ChangeListeners, applyChange, indexBackedStore, normalizeLease, planInsert, planRemove, planUpdate } from './lease-changes.ts';
