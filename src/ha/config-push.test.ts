import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig4 } from '../config/index.ts';
import { sharedConfigHash } from './config-hash.ts';
import { canonicalJson, hashSharedConfig, mergeSharedConfig, sharedConfigPart } from './config-push.ts';

const peers = [
  { name: 'server1', url: 'http://10.99.0.1:8001/', role: 'primary' },
  { name: 'server2', url: 'http://10.99.0.2:8001/', role: 'standby' },
];

/** One server's file: its own identity and plumbing, plus the shared scopes and relationship. */
function serverConfig(name: 'server1' | 'server2', o: { subnets?: unknown[]; hook?: boolean; lifetime?: number } = {}) {
  const rel = { 'this-server-name': name, mode: 'hot-standby', mclt: 60, 'shared-secret': `secret-of-${name}-xxxxxxxx`, peers };
  const dhcp4: Record<string, unknown> = {
    'interfaces-config': { interfaces: [name === 'server1' ? 'eth0' : 'lan1'] },
    'control-socket': { 'socket-type': 'unix', 'socket-name': `/tmp/ctrl-${name}.sock` },
    'lease-database': { type: 'memfile', persist: false },
    loggers: [{ name: 'kea-dhcp4', severity: 'INFO' }],
    'valid-lifetime': o.lifetime ?? 3600,
    'option-data': [{ name: 'domain-name-servers', data: '10.77.0.1' }],
    subnet4: o.subnets ?? [{ id: 1, subnet: '10.77.0.0/24', interface: name === 'server1' ? 'eth0' : 'lan1', pools: [{ pool: '10.77.0.100 - 10.77.0.199' }] }],
  };
  if (o.hook === true) {
    dhcp4['hooks-libraries'] = [{ library: '/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_ha.so', parameters: { 'high-availability': [rel] } }];
  } else {
    dhcp4['high-availability'] = [rel];
  }
  return { Dhcp4: dhcp4 };
}

const SUBNET2 = { id: 2, subnet: '10.88.0.0/24', pools: [{ pool: '10.88.0.10 - 10.88.0.20' }], 'option-data': [{ name: 'routers', data: '10.88.0.1' }] };

function parse(json: unknown) {
  const r = parseConfig4(JSON.stringify(json), { source: 'test' });
  assert.ok(r.config, r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.config;
}

describe('one relationship config: shared part, hash, merge', () => {
  it('two files differing only in local settings share the same part and hash', () => {
    const a = serverConfig('server1');
    const b = serverConfig('server2');
    assert.deepEqual(sharedConfigPart(a), sharedConfigPart(b));
    assert.equal(sharedConfigHash(a), sharedConfigHash(b));
    // Kea's place for the relationship (hook parameters) or tandem's: the same shared part.
    assert.equal(sharedConfigHash(serverConfig('server2', { hook: true })), sharedConfigHash(a));
  });

  it('the Kea 2.2 fixture pair hashes the same', () => {
    const read = (f: string) => parseConfig4(readFileSync(new URL(`../../test/fixtures/configs/valid-ha/${f}`, import.meta.url), 'utf8')).json;
    assert.equal(sharedConfigHash(read('primary.json')), sharedConfigHash(read('standby.json')));
  });

  it('a scope, an option or a lifetime changes the hash; key order does not', () => {
    const base = sharedConfigHash(serverConfig('server1'));
    assert.notEqual(sharedConfigHash(serverConfig('server1', { lifetime: 600 })), base);
    const withSubnet = serverConfig('server1');
    (withSubnet.Dhcp4['subnet4'] as unknown[]).push(SUBNET2);
    assert.notEqual(sharedConfigHash(withSubnet), base);
    const reordered = { Dhcp4: Object.fromEntries(Object.entries(serverConfig('server1').Dhcp4).reverse()) };
    assert.equal(sharedConfigHash(reordered), base);
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
  });

  it('the shared part holds no local key and no secret', () => {
    const shared = sharedConfigPart(serverConfig('server1'));
    const text = JSON.stringify(shared);
    for (const local of ['interfaces-config', 'control-socket', 'lease-database', 'loggers', 'this-server-name', 'shared-secret', 'eth0']) {
      assert.ok(!text.includes(local), `${local} leaked into the shared part: ${text}`);
    }
  });

  for (const hook of [false, true]) {
    it(`merge keeps the partner's identity and takes the primary's scopes (relationship ${hook ? 'in hook parameters' : 'at top level'})`, () => {
      const primary = serverConfig('server1', { lifetime: 600 });
      (primary.Dhcp4['subnet4'] as unknown[]).push(SUBNET2);
      const standby = serverConfig('server2', { hook });
      const merged = mergeSharedConfig(standby, sharedConfigPart(primary));
      assert.ok(merged.ok, merged.ok ? '' : merged.reason);
      const d = merged.json.Dhcp4;
      // identity and plumbing kept
      for (const key of ['interfaces-config', 'control-socket', 'lease-database', 'loggers']) assert.deepEqual(d[key], standby.Dhcp4[key], key);
      const config = parse(merged.json);
      assert.ok(config.ha);
      assert.equal(config.ha.thisServerName, 'server2');
      assert.equal(config.ha.sharedSecret, 'secret-of-server2-xxxxxxxx');
      assert.equal(hook ? d['high-availability'] : (d['hooks-libraries'] as unknown), undefined, 'the relationship stays where this file has it');
      // shared taken: the new scope, the lifetime; the subnet keeps this machine's interface
      assert.deepEqual(config.subnets.map((s) => s.id), [1, 2]);
      assert.equal((d['subnet4'] as Array<Record<string, unknown>>)[0]!['interface'], 'lan1');
      assert.equal(d['valid-lifetime'], 600);
      // and the hash now matches the primary's
      assert.equal(sharedConfigHash(merged.json), sharedConfigHash(primary));
    });
  }

  it('a shared key the primary removed is removed on the partner', () => {
    const primary = serverConfig('server1');
    delete primary.Dhcp4['option-data'];
    const merged = mergeSharedConfig(serverConfig('server2'), sharedConfigPart(primary));
    assert.ok(merged.ok);
    assert.equal(merged.json.Dhcp4['option-data'], undefined);
    assert.equal(sharedConfigHash(merged.json), sharedConfigHash(primary));
  });

  it('refuses a push that carries local keys or no relationship', () => {
    const standby = serverConfig('server2');
    const cases: Array<[unknown, RegExp]> = [
      [{ Dhcp4: { 'lease-database': { type: 'memfile' }, 'high-availability': [{}] } }, /not shared: lease-database/],
      [{ Dhcp4: { 'high-availability': [{ 'this-server-name': 'server1', peers }] } }, /local keys: this-server-name/],
      [{ Dhcp4: { subnet4: [] } }, /exactly one high-availability/],
      [{ nope: 1 }, /no Dhcp4/],
    ];
    for (const [push, re] of cases) {
      const r = mergeSharedConfig(standby, push);
      assert.ok(!r.ok && re.test(r.reason), JSON.stringify(r));
    }
    const noHa = serverConfig('server2');
    delete noHa.Dhcp4['high-availability'];
    const r = mergeSharedConfig(noHa, sharedConfigPart(serverConfig('server1')));
    assert.ok(!r.ok && /no high-availability relationship/.test(r.reason));
  });

  it('hashSharedConfig of the shared part is what sharedConfigHash gives', () => {
    const c = serverConfig('server1');
    assert.equal(hashSharedConfig(sharedConfigPart(c)), sharedConfigHash(c));
    assert.match(sharedConfigHash(c), /^[0-9a-f]{64}$/);
  });
});
