import { runLeaseStoreContract } from '../../../test/contract/lease-store.contract.ts';
import { createMemoryLeaseStore } from './memory-lease-store.ts';

runLeaseStoreContract('memory', async () => {
  const store = createMemoryLeaseStore();
  return { store, cleanup: () => store.close() };
});
