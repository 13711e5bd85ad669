import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease4, LeaseState } from '../../model/index.ts';
import { MemoryLeaseIndex } from './memory-lease-index.ts';

// Random operations against a naive model, enough of them to exercise the lazy rebuilds of the
// expiry heap and the address order (deltas above 4096).
it('matches a naive model under 30,000 random puts and deletes', () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const states: LeaseState[] = ['default', 'declined', 'expired-reclaimed'];
  const index = new MemoryLeaseIndex();
  const model = new Map<number, Lease4>();
  const check = () => {
    const all = [...model.values()].sort((a, b) => a.address - b.address);
    const t = 1000 + rnd(400);
    const expected = all
      .filter((l) => l.state !== 'expired-reclaimed' && l.cltt + l.validLifetime < t)
      .sort((a, b) => a.cltt + a.validLifetime - (b.cltt + b.validLifetime) || a.address - b.address)
      .slice(0, 50);
    assert.deepEqual(index.expiredBefore(t, 50), expected);
    const after = rnd(2) === 0 ? null : 0xc0000000 + rnd(9000);
    assert.deepEqual(index.scan(after, 40), all.filter((l) => after === null || l.address > after).slice(0, 40));
    const hw = `0a:${rnd(50)}`;
    assert.deepEqual(index.find({ hwAddress: hw, subnetId: 1 }), all.filter((l) => l.hwAddress === hw && l.subnetId === 1));
  };
  for (let i = 0; i < 30_000; i++) {
    const address = 0xc0000000 + rnd(8000);
    if (rnd(4) === 0) {
      index.delete(address);
      model.delete(address);
    } else {
      const l: Lease4 = {
        address, hwAddress: `0a:${rnd(50)}`, clientId: rnd(2) === 0 ? null : `01:${rnd(20)}`, subnetId: rnd(2),
        cltt: 1000 + rnd(200), validLifetime: rnd(200), hostname: rnd(3) === 0 ? `h${rnd(10)}` : '', state: states[rnd(3)]!,
      };
      index.put(l);
      model.set(address, l);
    }
    if (i % 1000 === 999) check();
  }
  assert.equal(index.size, model.size);
  check();
});
