import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIp4 } from '../../util/index.ts';
import type { Lease4, LeaseState } from '../../model/index.ts';
import { decodeRecord, encodeRecord } from './journal-record.ts';

/** The record as JSON.stringify writes it: the definition the hand-written encoder must match byte for byte. */
function reference(l: Lease4, seq: number, deleted: boolean): string {
  return JSON.stringify({
    v: 1, family: 4, addr: formatIp4(l.address), hw: l.hwAddress, cid: l.clientId, subnet: l.subnetId,
    cltt: l.cltt, valid: l.validLifetime, state: deleted ? 'deleted' : l.state, host: l.hostname, seq,
  }) + '\n';
}

const aLease = fc.record({
  address: fc.integer({ min: 0, max: 0xffffffff }),
  hwAddress: fc.oneof(fc.constant(''), fc.constant('0a:00:27:00:00:01'), fc.string()),
  clientId: fc.oneof(fc.constant(null), fc.constant('01:0a:00:27:00:00:01'), fc.string()),
  subnetId: fc.integer({ min: 0, max: 0xffffffff }),
  cltt: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double()),
  validLifetime: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.double({ min: 0 })),
  hostname: fc.oneof(fc.constant(''), fc.string({ unit: 'binary' })),
  state: fc.constantFrom<LeaseState>('default', 'declined', 'expired-reclaimed'),
});

describe('journal record', () => {
  it('encodes exactly as JSON.stringify of the record object, for any lease', () => {
    fc.assert(fc.property(aLease, fc.oneof(fc.nat(), fc.double()), fc.boolean(), (l, seq, deleted) => {
      assert.equal(encodeRecord(l, seq, deleted), reference(l, seq, deleted));
    }), { numRuns: 3000 });
  });

  it('decodes what it encodes', () => {
    const integral = (x: number): number => (Number.isFinite(x) ? Math.floor(Math.abs(x)) : 0);
    fc.assert(fc.property(aLease, fc.nat(), (l, seq) => {
      const lease = { ...l, cltt: integral(l.cltt), validLifetime: integral(l.validLifetime) };
      assert.deepEqual(decodeRecord(encodeRecord(lease, seq).slice(0, -1)), { kind: 'put', lease, seq });
      assert.deepEqual(decodeRecord(encodeRecord(lease, seq, true).slice(0, -1)), { kind: 'delete', address: lease.address, seq });
    }), { numRuns: 1000 });
  });
});
