import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { HaConfig, Subnet4 } from '../model/index.ts';
import { formatIp4, parseIp4 } from '../util/index.ts';
import { createOwnership, ownershipHash, secondaryShare } from './ownership.ts';

const ip = (s: string) => parseIp4(s)!;
type Split = Pick<HaConfig, 'mode' | 'reservePercent' | 'loadBalancePercent'>;
const hs = (reservePercent = 5): Split => ({ mode: 'hot-standby', reservePercent, loadBalancePercent: 50 });
const lb = (loadBalancePercent = 50): Split => ({ mode: 'load-balancing', reservePercent: 5, loadBalancePercent });

function aSubnet(over: Partial<Omit<Subnet4, 'pools'>> & { pools?: [string, string][] } = {}): Subnet4 {
  const { pools, ...rest } = over;
  return {
    id: 1, network: ip('10.0.0.0'), prefixLength: 24,
    pools: (pools ?? [['10.0.0.10', '10.0.0.209']]).map(([a, b]) => ({ first: ip(a), last: ip(b), options: new Map() })),
    relayAddresses: [], interface: null, reservations: [], options: new Map(), exclusions: [],
    validLifetime: { default: 3600, min: 3600, max: 3600 }, renewTimer: null, rebindTimer: null,
    authoritative: false, matchClientId: true, offerDelayMs: 0,
    ...rest,
  };
}

function owners(o: ReturnType<typeof createOwnership>, first: string, last: string) {
  const out: (string | null)[] = [];
  for (let a = ip(first); a <= ip(last); a++) out.push(o.ownerOf(a));
  return out;
}

describe('secondaryShare: exact counts and rounding', () => {
  it('rounds to the nearest, halves to the primary, at least 1 when > 0 %, primary keeps 1 when n ≥ 2', () => {
    const table: [number, number, number][] = [
      // n, percent, secondary
      [200, 5, 10], [100, 5, 5], [99, 5, 5], [90, 5, 4] /* 4.5 → 4 */, [91, 5, 5] /* 4.55 → 5 */,
      [1, 5, 1], [2, 5, 1], [3, 5, 1], [10, 5, 1], [30, 5, 1] /* 1.5 → 1 */,
      [3, 50, 1] /* 1.5 → 1 */, [5, 50, 2], [1, 50, 1], [2, 50, 1], [2, 99, 1], [100, 99, 99],
      [0, 5, 0], [10, 0, 0], [10, 100, 10],
    ];
    for (const [n, p, k] of table) assert.equal(secondaryShare(n, p), k, `n=${n} p=${p}`);
  });
  it('is within one address of n × p / 100 and monotone in p', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 5000 }), fc.integer({ min: 1, max: 98 }), (n, p) => {
      const k = secondaryShare(n, p);
      assert.ok(Math.abs(k - (n * p) / 100) <= 1, `n=${n} p=${p} k=${k}`);
      assert.ok(secondaryShare(n, p + 1) >= k);
    }));
  });
});

describe('createOwnership', () => {
  it('hot-standby: the standby owns exactly reserve-percent of each pool', () => {
    const o = createOwnership(hs(5), [aSubnet()]);
    assert.deepEqual(o.counts(1), { primary: 190, secondary: 10 });
    const got = owners(o, '10.0.0.10', '10.0.0.209');
    assert.equal(got.filter((x) => x === 'secondary').length, 10);
    assert.equal(got.filter((x) => x === 'primary').length, 190);
    assert.equal(o.secondaryPercent, 5);
  });

  it('load-balancing: the secondary owns 100 - load-balance-percent', () => {
    for (const [p, sec] of [[50, 100], [70, 60], [10, 180]] as const) {
      const o = createOwnership(lb(p), [aSubnet()]);
      assert.deepEqual(o.counts(1), { primary: 200 - sec, secondary: sec }, `${p} %`);
      assert.equal(owners(o, '10.0.0.10', '10.0.0.209').filter((x) => x === 'secondary').length, sec);
    }
  });

  it('counts each pool on its own (exact per pool) and sums per subnet', () => {
    const s = aSubnet({ pools: [['10.0.0.10', '10.0.0.19'], ['10.0.0.100', '10.0.0.189']] });
    const o = createOwnership(hs(5), [s, aSubnet({ id: 2, network: ip('10.0.1.0'), pools: [['10.0.1.1', '10.0.1.3']] })]);
    // 10 → 1 (max(1, 0.5→0)), 90 → 4 (4.5 → 4): 5 in all; the 3-address pool → 1.
    assert.deepEqual(o.counts(1), { primary: 95, secondary: 5 });
    assert.equal(owners(o, '10.0.0.10', '10.0.0.19').filter((x) => x === 'secondary').length, 1);
    assert.deepEqual(o.counts(2), { primary: 2, secondary: 1 });
    assert.deepEqual(o.counts(99), { primary: 0, secondary: 0 });
  });

  it('leaves exclusions, reservations, network and broadcast to nobody', () => {
    const s = aSubnet({
      pools: [['10.0.0.0', '10.0.0.255']],
      exclusions: [[ip('10.0.0.50'), ip('10.0.0.59')]],
      reservations: [{ hwAddress: '00:11:22:33:44:55', clientId: null, address: ip('10.0.0.77'), hostname: '', options: new Map() }],
    });
    const o = createOwnership(lb(50), [s]);
    for (const a of ['10.0.0.0', '10.0.0.255', '10.0.0.50', '10.0.0.59', '10.0.0.77', '10.0.1.5', '9.255.255.255']) {
      assert.equal(o.ownerOf(ip(a)), null, a);
    }
    const n = 256 - 2 - 10 - 1;
    assert.deepEqual(o.counts(1), { primary: n - Math.floor((n * 50 + 49) / 100), secondary: Math.floor((n * 50 + 49) / 100) });
    assert.notEqual(o.ownerOf(ip('10.0.0.49')), null);
  });

  it('tiny pools: 1, 2 and 3 addresses with a 5 % reserve', () => {
    const one = createOwnership(hs(5), [aSubnet({ pools: [['10.0.0.10', '10.0.0.10']] })]);
    assert.deepEqual(one.counts(1), { primary: 0, secondary: 1 });
    assert.equal(one.ownerOf(ip('10.0.0.10')), 'secondary');
    for (const n of [2, 3]) {
      const o = createOwnership(hs(5), [aSubnet({ pools: [['10.0.0.10', formatIp4(ip('10.0.0.10') + n - 1)]] })]);
      assert.deepEqual(o.counts(1), { primary: n - 1, secondary: 1 }, `${n} addresses`);
    }
    const none = createOwnership(hs(0), [aSubnet({ pools: [['10.0.0.10', '10.0.0.12']] })]);
    assert.deepEqual(none.counts(1), { primary: 3, secondary: 0 });
  });

  it('both partners compute the same split (nothing but the config matters)', () => {
    const subnets = [aSubnet(), aSubnet({ id: 2, network: ip('10.0.1.0'), pools: [['10.0.1.20', '10.0.1.120']] })];
    const a = createOwnership({ ...lb(60), thisServerName: 'server1' } as Split, subnets);
    const b = createOwnership({ ...lb(60), thisServerName: 'server2' } as Split, [...subnets].reverse());
    assert.deepEqual(owners(a, '10.0.0.0', '10.0.1.255'), owners(b, '10.0.0.0', '10.0.1.255'));
  });

  it('is stable when unrelated parts of the config change', () => {
    const base = createOwnership(hs(10), [aSubnet()]);
    const other = createOwnership(hs(10), [
      aSubnet({ validLifetime: { default: 60, min: 60, max: 60 }, authoritative: true }),
      aSubnet({ id: 7, network: ip('10.9.0.0'), pools: [['10.9.0.1', '10.9.0.99']], exclusions: [[ip('10.9.0.5'), ip('10.9.0.6')]] }),
    ]);
    assert.deepEqual(owners(base, '10.0.0.0', '10.0.0.255'), owners(other, '10.0.0.0', '10.0.0.255'));
  });

  it('spreads the secondary\'s share through the pool (no long runs)', () => {
    const s = aSubnet({ network: ip('10.0.0.0'), prefixLength: 22, pools: [['10.0.0.1', '10.0.3.254']] });
    const o50 = owners(createOwnership(lb(50), [s]), '10.0.0.1', '10.0.3.254');
    let run = 0;
    let longest = 0;
    for (let i = 0; i < o50.length; i++) {
      run = i > 0 && o50[i] === o50[i - 1] ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    assert.ok(longest <= 16, `longest run ${longest}`);
    const o5 = owners(createOwnership(hs(5), [s]), '10.0.0.1', '10.0.3.254');
    const quarters = [0, 1, 2, 3].map((q) => o5.slice(q * 255, (q + 1) * 255).filter((x) => x === 'secondary').length);
    for (const q of quarters) assert.ok(q >= 5 && q <= 21, `reserve per quarter: ${quarters.join(', ')}`);
  });

  it('pins the split of a small pool (the hash must never change)', () => {
    assert.deepEqual([0, 1, 0x0a000001, 0xffffffff].map(ownershipHash), [0, 1753845952, 2922676932, 1734902346]);
    const o = createOwnership(lb(50), [aSubnet({ pools: [['10.0.0.10', '10.0.0.17']] })]);
    assert.deepEqual(owners(o, '10.0.0.10', '10.0.0.17').map((x) => (x === 'primary' ? 'P' : 'S')).join(''), PINNED_LB50);
  });

  it('agrees with a brute-force rank for random pools and shares', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 0xffff }), (n, p, off) => {
      const first = (ip('10.0.0.0') + off) >>> 0;
      const s = aSubnet({ network: ip('10.0.0.0'), prefixLength: 8, pools: [[formatIp4(first), formatIp4(first + n - 1)]] });
      const o = createOwnership(hs(p), [s]);
      const addrs = Array.from({ length: n }, (_, i) => first + i).filter((a) => a !== ip('10.0.0.0'));
      const k = secondaryShare(addrs.length, p);
      const expected = new Set([...addrs].sort((a, b) => ownershipHash(a) - ownershipHash(b)).slice(0, k));
      for (const a of addrs) assert.equal(o.ownerOf(a), expected.has(a) ? 'secondary' : 'primary');
    }), { numRuns: 50 });
  });
});

const PINNED_LB50 = 'PPPSSPSS';
