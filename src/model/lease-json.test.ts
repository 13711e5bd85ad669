import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatHex, parseHex, parseIp4 } from '../util/index.ts';
import type { Lease4 } from './lease4.ts';
import { leaseFromKeaJson, leaseToKeaJson } from './lease-json.ts';

const lease: Lease4 = {
  address: parseIp4('192.0.2.10')!, hwAddress: '0a:00:27:00:00:01', clientId: '01:0a:00:27:00:00:01', subnetId: 8,
  cltt: 1700000000, validLifetime: 3600, hostname: 'host-a', state: 'declined',
};

describe('lease JSON (Kea shape)', () => {
  it('encodes like Kea: kebab-case keys, numeric state, client-id only when present', () => {
    assert.deepEqual(leaseToKeaJson(lease), {
      'ip-address': '192.0.2.10', 'hw-address': '0a:00:27:00:00:01', 'client-id': '01:0a:00:27:00:00:01',
      'valid-lft': 3600, cltt: 1700000000, 'subnet-id': 8, hostname: 'host-a', state: 1, 'fqdn-fwd': false, 'fqdn-rev': false,
    });
    assert.equal('client-id' in leaseToKeaJson({ ...lease, clientId: null }), false);
  });

  it('round-trips', () => {
    for (const l of [lease, { ...lease, clientId: null, state: 'default' as const, hwAddress: '' }]) {
      assert.deepEqual(leaseFromKeaJson(JSON.parse(JSON.stringify(leaseToKeaJson(l)))), { lease: l });
    }
  });

  it('normalises hex, accepts expire instead of cltt and ignores unknown keys', () => {
    const r = leaseFromKeaJson({
      'ip-address': '192.0.2.10', 'hw-address': '0A-00-27-00-00-01', 'client-id': '010a00270000 01'.replace(' ', ''),
      'valid-lft': 3600, expire: 1700003600, 'subnet-id': 8, origin: 'ha-partner', 'force-create': true,
    });
    assert.deepEqual(r, { lease: { ...lease, hostname: '', state: 'default' } });
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['bad address', { 'ip-address': '192.0.2.300' }, 'ip-address'],
    ['missing address', { 'ip-address': undefined }, 'ip-address'],
    ['hw not hex', { 'hw-address': 'zz:00' }, 'hw-address'],
    ['client-id number', { 'client-id': 5 }, 'client-id'],
    ['negative valid', { 'valid-lft': -1 }, 'valid-lft'],
    ['fractional subnet', { 'subnet-id': 1.5 }, 'subnet-id'],
    ['string cltt', { cltt: '1700000000' }, 'cltt'],
    ['no cltt', { cltt: undefined }, 'cltt'],
    ['state 3', { state: 3 }, 'state'],
    ['hostname number', { hostname: 7 }, 'hostname'],
    ['fqdn string', { 'fqdn-fwd': 'yes' }, 'fqdn-fwd'],
  ];
  for (const [name, patch, field] of bad) {
    it(`rejects ${name}, naming '${field}'`, () => {
      const input: Record<string, unknown> = { ...leaseToKeaJson(lease), ...patch };
      for (const k of Object.keys(patch)) if (patch[k] === undefined) delete input[k];
      const r = leaseFromKeaJson(input);
      assert.ok('error' in r, JSON.stringify(r));
      assert.match(r.error, new RegExp(`'?${field}'?`));
    });
  }
  it('rejects non-objects', () => {
    assert.ok('error' in leaseFromKeaJson(null));
    assert.ok('error' in leaseFromKeaJson([1]));
  });

  it('reads hex fields exactly as parseHex + formatHex would, canonical or not (fast path for the canonical form)', () => {
    const hexish = fc.stringMatching(/^[0-9a-fA-F:\- x]{0,70}$/);
    const canonical = fc.uint8Array({ minLength: 0, maxLength: 30 }).map((b) => formatHex(b));
    const slow = (text: string, max: number, min: number): string | null => {
      const b = parseHex(text);
      return b === null || b.length > max || b.length < min ? null : formatHex(b);
    };
    fc.assert(fc.property(fc.oneof(hexish, canonical), fc.oneof(hexish, canonical), (hw, cid) => {
      const r = leaseFromKeaJson({ ...leaseToKeaJson(lease), 'hw-address': hw, 'client-id': cid });
      const wantHw = hw === '' ? '' : slow(hw, 20, 0);
      const wantCid = slow(cid, 255, 1);
      if (wantHw === null || wantCid === null) {
        assert.ok('error' in r, `${JSON.stringify({ hw, cid })} → ${JSON.stringify(r)}`);
        return;
      }
      assert.ok('lease' in r, `${JSON.stringify({ hw, cid })} → ${JSON.stringify(r)}`);
      assert.equal(r.lease.hwAddress, wantHw);
      assert.equal(r.lease.clientId, wantCid);
    }), { numRuns: 2000 });
  });
});
