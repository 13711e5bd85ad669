import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isPrimaryClient, lbBucket, lbKey, lbMixTable, primaryShareBuckets } from './scopes.ts';

const hex = (s: string) => Uint8Array.from(s === '' ? [] : s.split(':').map((x) => parseInt(x, 16)));

describe('RFC 3074 mixing table', () => {
  it('is a permutation of 0..255 that starts and ends as printed in RFC 3074 §6', () => {
    const t = lbMixTable();
    assert.equal(t.length, 256);
    assert.deepEqual([...t].sort((a, b) => a - b), Array.from({ length: 256 }, (_, i) => i));
    assert.deepEqual(t.slice(0, 10), [251, 175, 119, 215, 81, 14, 79, 191, 103, 49]);
    assert.deepEqual(t.slice(-6), [170, 68, 6, 169, 234, 151]);
  });
});

describe('lbBucket (RFC 3074 Pearson hash)', () => {
  it('walks the key from its last byte, starting from its length', () => {
    const t = lbMixTable();
    // One byte 0x00: hash = 1 (length), then T[1 ^ 0] = T[1].
    assert.equal(lbBucket(hex('00')), t[1]);
    // Two bytes a, b: T[T[2 ^ b] ^ a]. Order matters.
    const [a, b] = [0x12, 0x34];
    assert.equal(lbBucket(Uint8Array.of(a, b)), t[t[2 ^ b]! ^ a]);
    assert.notEqual(lbBucket(Uint8Array.of(a, b)), lbBucket(Uint8Array.of(b, a)));
    assert.equal(lbBucket(new Uint8Array(0)), 0);
  });

  // RFC 3074 gives no test vectors; these are computed by this implementation and pinned so that
  // the split can never change silently between versions (partners must agree).
  const vectors: [string, number][] = [
    ['00:00:00:00:00:00', 254],
    ['01:02:03:04:05:06', 179],
    ['aa:bb:cc:dd:ee:ff', 57],
    ['01:aa:bb:cc:dd:ee:ff', 102], // client-id: type 1 + MAC
    ['00:0c:29:29:b6:13', 146],
    ['ff:ff:ff:ff:ff:ff', 79],
    ['00', 175],
    ['01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10', 48],
  ];
  for (const [key, bucket] of vectors) {
    it(`${key} → ${bucket}`, () => assert.equal(lbBucket(hex(key)), bucket));
  }

  it('works on a view into a larger buffer', () => {
    const buf = hex('ff:ff:00:0c:29:29:b6:13:ff');
    assert.equal(lbBucket(buf.subarray(2, 8)), 146);
  });
});

describe('lbKey: client-id, else chaddr', () => {
  const chaddr = hex('00:0c:29:29:b6:13:00:00:00:00:00:00:00:00:00:00');
  it('uses the client-id payload when present', () => {
    const cid = hex('01:aa:bb:cc:dd:ee:ff');
    assert.equal(lbKey(cid, chaddr, 6), cid);
  });
  it('falls back to the first hlen bytes of chaddr (also for an empty client-id)', () => {
    assert.deepEqual([...lbKey(null, chaddr, 6)!], [0x00, 0x0c, 0x29, 0x29, 0xb6, 0x13]);
    assert.deepEqual([...lbKey(new Uint8Array(0), chaddr, 6)!], [0x00, 0x0c, 0x29, 0x29, 0xb6, 0x13]);
    assert.equal(lbBucket(lbKey(null, chaddr, 6)!), 146);
  });
  it('caps hlen at 16 and returns null when there is no key at all', () => {
    assert.equal(lbKey(null, chaddr, 200)!.length, 16);
    assert.equal(lbKey(null, chaddr, 0), null);
  });
});

describe('primaryShareBuckets and isPrimaryClient', () => {
  it('maps percent to a bucket count', () => {
    const table: [number, number][] = [[0, 0], [1, 3], [5, 13], [25, 64], [50, 128], [75, 192], [99, 253], [100, 256]];
    for (const [p, n] of table) assert.equal(primaryShareBuckets(p), n, `${p} %`);
  });
  it('refuses a percent outside 0..100', () => {
    assert.throws(() => primaryShareBuckets(101), RangeError);
    assert.throws(() => primaryShareBuckets(-1), RangeError);
  });
  it('is monotone: a client of the primary at p % stays the primary\'s at any larger p', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 98 }), (key, p) => {
      if (isPrimaryClient(key, p)) assert.ok(isPrimaryClient(key, p + 1));
    }));
  });
  it('gives the primary about its configured share of random clients', () => {
    // Deterministic pseudo-random MACs (no Math.random in ha/).
    let seed = 0x1234567;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    const keys = Array.from({ length: 20_000 }, () => Uint8Array.from({ length: 6 }, next));
    for (const p of [5, 20, 50, 70, 95]) {
      const share = (100 * keys.filter((k) => isPrimaryClient(k, p)).length) / keys.length;
      assert.ok(Math.abs(share - p) < 3, `${p} %: primary got ${share.toFixed(2)} %`);
    }
  });
  it('splits client-ids (type 1 + MAC) near 50/50 as a property over many random sets', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 6, maxLength: 6 }), { minLength: 4000, maxLength: 4000 }), (macs) => {
      const n = macs.filter((m) => isPrimaryClient(Uint8Array.of(1, ...m), 50)).length;
      assert.ok(Math.abs(n / macs.length - 0.5) < 0.05, `${n} of ${macs.length}`);
    }), { numRuns: 20 });
  });
});
