import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp4 } from '../util/index.ts';
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
});
