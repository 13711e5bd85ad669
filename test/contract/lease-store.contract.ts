import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease4 } from '../../src/model/index.ts';
import { parseIp4 } from '../../src/util/index.ts';
import { StoreConflictError } from '../../src/store/index.ts';
import type { LeaseChange4, LeaseStore } from '../../src/store/index.ts';

export type LeaseStoreFixture = {
  store: LeaseStore;
  /** Closes the store and opens it again on the same storage (durable stores only). */
  reopen?: () => Promise<LeaseStore>;
  cleanup: () => Promise<void>;
};

const BASE = parseIp4('192.0.2.0')!;

function aLease4(n: number, over: Partial<Lease4> = {}): Lease4 {
  return {
    address: (BASE + n) >>> 0,
    hwAddress: `0a:00:00:00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`,
    clientId: null,
    subnetId: 1,
    cltt: 1_700_000_000,
    validLifetime: 3600,
    hostname: '',
    state: 'default',
    ...over,
  };
}

const v = (l: Lease4) => ({ cltt: l.cltt, validLifetime: l.validLifetime });

/** One behaviour suite for every LeaseStore implementation (R11). */
export function runLeaseStoreContract(name: string, factory: () => Promise<LeaseStoreFixture>): void {
  describe(`LeaseStore contract: ${name}`, () => {
    let fx: LeaseStoreFixture | undefined;
    let store: LeaseStore;
    const fresh = async (): Promise<LeaseStoreFixture> => {
      if (fx !== undefined) await fx.cleanup();
      fx = await factory();
      store = fx.store;
      return fx;
    };
    after(async () => fx?.cleanup());

    it('get4 returns null for an unknown address and the lease after insert', async () => {
      await fresh();
      assert.equal(await store.get4(aLease4(1).address), null);
      await store.insert4(aLease4(1, { clientId: '01:0a:00', hostname: 'h1' }));
      assert.deepEqual(await store.get4(aLease4(1).address), aLease4(1, { clientId: '01:0a:00', hostname: 'h1' }));
    });

    it('insert4 of a taken address rejects with StoreConflictError and changes nothing', async () => {
      await fresh();
      await store.insert4(aLease4(1));
      await assert.rejects(store.insert4(aLease4(1, { hwAddress: 'ff:ff:ff:ff:ff:ff' })), (e: unknown) => e instanceof StoreConflictError && e.code === 'ERR_STORE_CONFLICT');
      assert.equal((await store.get4(aLease4(1).address))?.hwAddress, aLease4(1).hwAddress);
    });

    it('update4 succeeds with the right version and conflicts with a stale one', async () => {
      await fresh();
      const l = aLease4(2);
      await store.insert4(l);
      const renewed = { ...l, cltt: l.cltt + 100 };
      await store.update4(renewed, v(l));
      assert.deepEqual(await store.get4(l.address), renewed);
      await assert.rejects(store.update4({ ...l, cltt: l.cltt + 200 }, v(l)), StoreConflictError);
      await assert.rejects(store.update4(aLease4(99), v(aLease4(99))), StoreConflictError);
      assert.deepEqual(await store.get4(l.address), renewed);
    });

    it('remove4 is compare-and-set too', async () => {
      await fresh();
      const l = aLease4(3);
      await store.insert4(l);
      await assert.rejects(store.remove4(l.address, { cltt: 1, validLifetime: 1 }), StoreConflictError);
      assert.notEqual(await store.get4(l.address), null);
      await store.remove4(l.address, v(l));
      assert.equal(await store.get4(l.address), null);
      await assert.rejects(store.remove4(l.address, v(l)), StoreConflictError);
      await store.insert4(l); // the address is free again
    });

    it('find4 by hw-address, client-id, hostname and subnet, ordered by address', async () => {
      await fresh();
      await store.insert4(aLease4(20, { hwAddress: 'aa:aa:aa:aa:aa:aa', subnetId: 2, hostname: 'x' }));
      await store.insert4(aLease4(10, { hwAddress: 'aa:aa:aa:aa:aa:aa', subnetId: 1, clientId: '01:aa' }));
      await store.insert4(aLease4(15, { hwAddress: 'aa:aa:aa:aa:aa:aa', subnetId: 1, hostname: 'x' }));
      await store.insert4(aLease4(11, { clientId: '01:aa', subnetId: 2 }));
      const addrs = (ls: Lease4[]) => ls.map((l) => l.address - BASE);
      assert.deepEqual(addrs(await store.find4({ hwAddress: 'aa:aa:aa:aa:aa:aa' })), [10, 15, 20]);
      assert.deepEqual(addrs(await store.find4({ hwAddress: 'aa:aa:aa:aa:aa:aa', subnetId: 1 })), [10, 15]);
      assert.deepEqual(addrs(await store.find4({ clientId: '01:aa' })), [10, 11]);
      assert.deepEqual(addrs(await store.find4({ clientId: '01:aa', subnetId: 2 })), [11]);
      assert.deepEqual(addrs(await store.find4({ hostname: 'x' })), [15, 20]);
      assert.deepEqual(addrs(await store.find4({ hostname: 'x', subnetId: 2 })), [20]);
      assert.deepEqual(addrs(await store.find4({ subnetId: 2 })), [11, 20]);
      assert.deepEqual(await store.find4({ hwAddress: '00:00:00:00:00:00' }), []);
      // Indexes follow updates.
      const l15 = (await store.get4(BASE + 15))!;
      await store.update4({ ...l15, hostname: 'y', hwAddress: 'bb:bb:bb:bb:bb:bb' }, v(l15));
      assert.deepEqual(addrs(await store.find4({ hostname: 'x' })), [20]);
      assert.deepEqual(addrs(await store.find4({ hostname: 'y' })), [15]);
      assert.deepEqual(addrs(await store.find4({ hwAddress: 'aa:aa:aa:aa:aa:aa' })), [10, 20]);
    });

    it('expiredBefore4 returns default/declined leases oldest first, strictly before, up to limit', async () => {
      await fresh();
      const t = 1_700_000_000;
      await store.insert4(aLease4(1, { cltt: t, validLifetime: 300 })); // 300
      await store.insert4(aLease4(2, { cltt: t, validLifetime: 100 })); // 100
      await store.insert4(aLease4(3, { cltt: t, validLifetime: 200, state: 'declined' })); // 200
      await store.insert4(aLease4(4, { cltt: t, validLifetime: 50, state: 'expired-reclaimed' }));
      await store.insert4(aLease4(5, { cltt: t, validLifetime: 1000 }));
      const ex = async (time: number, limit: number) => (await store.expiredBefore4(time, limit)).map((l) => l.address - BASE);
      assert.deepEqual(await ex(t + 301, 10), [2, 3, 1]);
      assert.deepEqual(await ex(t + 300, 10), [2, 3]);
      assert.deepEqual(await ex(t + 301, 2), [2, 3]);
      assert.deepEqual(await ex(t + 100, 10), []);
      // An update moves the lease in the expiry order; a reclaim removes it.
      const l2 = (await store.get4(BASE + 2))!;
      await store.update4({ ...l2, validLifetime: 400 }, v(l2));
      const l3 = (await store.get4(BASE + 3))!;
      await store.update4({ ...l3, state: 'expired-reclaimed' }, v(l3));
      assert.deepEqual(await ex(t + 10_000, 10), [1, 2, 5]);
      await store.remove4(BASE + 1, v((await store.get4(BASE + 1))!));
      assert.deepEqual(await ex(t + 10_000, 10), [2, 5]);
    });

    it('scan4 pages through every lease in address order', async () => {
      await fresh();
      const ns = Array.from({ length: 57 }, (_, i) => (i * 37) % 101);
      await Promise.all(ns.map((n) => store.insert4(aLease4(n))));
      const seen: number[] = [];
      let after: number | null = null;
      for (let guard = 0; guard < 100; guard++) {
        const page: Lease4[] = await store.scan4(after, 10);
        if (page.length === 0) break;
        assert.ok(page.length <= 10);
        seen.push(...page.map((l) => l.address - BASE));
        after = page[page.length - 1]!.address;
      }
      assert.deepEqual(seen, [...ns].sort((a, b) => a - b));
      // Removal and insertion between pages are reflected.
      await store.remove4(BASE + seen[1]!, v(aLease4(seen[1]!)));
      await store.insert4(aLease4(200));
      const again = (await store.scan4(BASE + seen[0]!, 2)).map((l) => l.address - BASE);
      assert.deepEqual(again, [seen[2]!, seen[3]!]);
      const last = await store.scan4(BASE + 150, 10);
      assert.deepEqual(last.map((l) => l.address - BASE), [200]);
    });

    it('onChange reports every committed change once, in order; conflicts and unsubscribed listeners see nothing', async () => {
      await fresh();
      const got: string[] = [];
      const off = store.onChange((c: LeaseChange4) => got.push(`${c.kind}:${c.lease.address - BASE}:${c.before === null ? '-' : c.before.cltt}`));
      const l = aLease4(7);
      await store.insert4(l);
      await assert.rejects(store.insert4(l), StoreConflictError);
      await store.update4({ ...l, cltt: l.cltt + 1 }, v(l));
      await store.remove4(l.address, { cltt: l.cltt + 1, validLifetime: l.validLifetime });
      off();
      await store.insert4(aLease4(8));
      assert.deepEqual(got, [`insert:7:-`, `update:7:${l.cltt}`, `remove:7:${l.cltt + 1}`]);
    });

    it('many concurrent writes: each decided in call order, each reported once', async () => {
      await fresh();
      const changes: number[] = [];
      store.onChange((c) => changes.push(c.lease.address - BASE));
      const n = 500;
      const results = await Promise.allSettled([
        ...Array.from({ length: n }, (_, i) => store.insert4(aLease4(i))),
        ...Array.from({ length: n }, (_, i) => store.insert4(aLease4(i, { hwAddress: 'ee:ee:ee:ee:ee:ee' }))),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, n);
      assert.ok(results.slice(n).every((r) => r.status === 'rejected' && r.reason instanceof StoreConflictError));
      assert.deepEqual(changes, Array.from({ length: n }, (_, i) => i));
      assert.deepEqual(await store.find4({ hwAddress: 'ee:ee:ee:ee:ee:ee' }), []);
      // Racing CAS updates on one lease: exactly one wins.
      const l = aLease4(0);
      const race = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.update4({ ...l, cltt: l.cltt + i + 1 }, v(l))));
      assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal((await store.get4(l.address))?.cltt, l.cltt + 1);
    });

    it('durability: everything written survives reopen, including tombstones', async (t) => {
      const { reopen } = await fresh();
      if (reopen === undefined) return t.skip('store is not durable');
      const keep = [aLease4(1, { clientId: '01:02:03', hostname: 'ünïcode "host"' }), aLease4(2, { state: 'declined' }), aLease4(3)];
      for (const l of keep) await store.insert4(l);
      await store.insert4(aLease4(4));
      await store.remove4(aLease4(4).address, v(aLease4(4)));
      const renewed = { ...keep[2]!, cltt: keep[2]!.cltt + 60, state: 'expired-reclaimed' as const };
      await store.update4(renewed, v(keep[2]!));
      store = await reopen();
      assert.deepEqual(await store.get4(keep[0]!.address), keep[0]);
      assert.deepEqual(await store.get4(keep[1]!.address), keep[1]);
      assert.deepEqual(await store.get4(renewed.address), renewed);
      assert.equal(await store.get4(aLease4(4).address), null);
      assert.deepEqual((await store.scan4(null, 100)).map((l) => l.address - BASE), [1, 2, 3]);
      assert.deepEqual((await store.find4({ clientId: '01:02:03' })).length, 1);
      // The reopened store keeps working and keeps CAS.
      await assert.rejects(store.insert4(keep[0]!), StoreConflictError);
      await store.insert4(aLease4(4));
      store = await reopen();
      assert.notEqual(await store.get4(aLease4(4).address), null);
    });
  });
}
