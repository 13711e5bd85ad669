import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createHistogram } from '../obs/index.ts';
import type { LeaseStore } from '../store/index.ts';
import { timeLeaseStore } from './timed-store.ts';

it('records every write, failed ones included, and passes reads through', async () => {
  let t = 0;
  const inner = {
    insert4: async () => { t += 2; },
    update4: async () => { t += 40; throw new Error('disk gone'); },
    remove4: async () => { t += 0.1; },
    get4: async () => null,
  } as unknown as LeaseStore;
  const h = createHistogram();
  const store = timeLeaseStore(inner, h, () => t);
  await store.insert4({} as never);
  await assert.rejects(store.update4({} as never, {} as never), /disk gone/);
  await store.remove4(1, {} as never);
  assert.equal(await store.get4(1), null);
  const s = h.snapshot();
  assert.equal(s.count, 3);
  assert.deepEqual(s.buckets.filter((b) => b.le <= 0.05).map((b) => b.count), [1, 1, 2, 2, 2, 2, 3]);
});
