import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease4 } from '../model/index.ts';
import { createMemoryLeaseStore } from '../store/index.ts';
import { createReclaimer4 } from './reclaim.ts';

const NOW = 1_800_000_000;
const clock = { now: () => NOW, monotonicMs: () => 0 };
const settings = {
  reclaimTimerWaitTime: 10, flushReclaimedTimerWaitTime: 25, holdReclaimedTime: 3600,
  maxReclaimLeases: 2, maxReclaimTime: 0, unwarnedReclaimCycles: 5,
};

const lease = (n: number, over: Partial<Lease4>): Lease4 => ({
  address: 0x0a000000 + n, hwAddress: `0a:00:00:00:00:${n.toString(16).padStart(2, '0')}`, clientId: null,
  subnetId: 1, cltt: NOW - 100, validLifetime: 3600, hostname: '', state: 'default', ...over,
});

it('reclaims expired leases and declined ones past probation, at most max-reclaim-leases a cycle', async () => {
  const store = createMemoryLeaseStore();
  await store.insert4(lease(1, { cltt: NOW - 7200 }));                                   // expired
  await store.insert4(lease(2, { cltt: NOW - 7100 }));                                   // expired
  await store.insert4(lease(3, { state: 'declined', hwAddress: '', cltt: NOW - 90000, validLifetime: 86400 })); // probation over
  await store.insert4(lease(4, {}));                                                     // active
  const r = createReclaimer4({ store, clock, settings });
  const first = await r.reclaim();
  assert.equal(first.reclaimed + first.declinedExpired, 2);
  assert.equal(first.more, true);
  const second = await r.reclaim();
  assert.equal(first.reclaimed + first.declinedExpired + second.reclaimed + second.declinedExpired, 3);
  for (const n of [1, 2, 3]) assert.equal((await store.get4(0x0a000000 + n))?.state, 'expired-reclaimed');
  assert.equal((await store.get4(0x0a000004))?.state, 'default');
});

it('flushes reclaimed leases only after hold-reclaimed-time', async () => {
  const store = createMemoryLeaseStore();
  await store.insert4(lease(1, { state: 'expired-reclaimed', cltt: NOW - 7000 }));   // expired 3400 s ago: kept
  await store.insert4(lease(2, { state: 'expired-reclaimed', cltt: NOW - 10000 }));  // expired 6400 s ago: removed
  const r = createReclaimer4({ store, clock, settings });
  assert.equal(await r.flush(), 1);
  assert.notEqual(await store.get4(0x0a000001), null);
  assert.equal(await store.get4(0x0a000002), null);
  assert.equal(await r.flush(0), 1);
});
