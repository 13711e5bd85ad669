import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { parseIp4 } from '../util/index.ts';
import { resolveLinks4, sameLink4 } from './resolve-links4.ts';
import type { InterfaceTable } from './resolve-links4.ts';

function v4(address: string, cidr: string, mac = '02:00:00:00:00:01', internal = false): NetworkInterfaceInfo {
  return { address, netmask: '255.255.255.0', family: 'IPv4', mac, internal, cidr };
}
function v6(address: string): NetworkInterfaceInfo {
  return { address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: `${address}/64`, scopeid: 0 };
}
const ip = (t: string) => parseIp4(t)!;

const table: InterfaceTable = {
  lo: [v4('127.0.0.1', '127.0.0.1/8', '00:00:00:00:00:00', true)],
  eth0: [v6('fe80::1'), v4('192.0.2.1', '192.0.2.1/24'), v4('192.0.2.5', '192.0.2.5/24')],
  eth1: [v4('198.51.100.1', '198.51.100.1/25', '00:00:00:00:00:00')],
  eth2: [v6('fe80::2')],
};

const cases: Array<[string, Array<{ name: string; address: string | null }>, string[], string[]]> = [
  ['wildcard skips loopback and v6-only', [{ name: '*', address: null }], ['eth0=192.0.2.1/24', 'eth1=198.51.100.1/25'], []],
  ['named, first address', [{ name: 'eth0', address: null }], ['eth0=192.0.2.1/24'], []],
  ['named, secondary address', [{ name: 'eth0', address: '192.0.2.5' }], ['eth0=192.0.2.5/24'], []],
  ['named spec wins over wildcard', [{ name: '*', address: null }, { name: 'eth0', address: '192.0.2.5' }], ['eth0=192.0.2.5/24', 'eth1=198.51.100.1/25'], []],
  ['missing interface waits', [{ name: 'eth9', address: null }], [], ['eth9:no-such-interface']],
  ['v6-only interface waits', [{ name: 'eth2', address: null }], [], ['eth2:no-ipv4-address']],
  ['absent address waits', [{ name: 'eth0', address: '192.0.2.9' }], [], ['eth0/192.0.2.9:address-not-on-interface']],
  ['loopback when named', [{ name: 'lo', address: null }], ['lo=127.0.0.1/8'], []],
  ['first spec for a name wins', [{ name: 'eth0', address: null }, { name: 'eth0', address: '192.0.2.5' }], ['eth0=192.0.2.1/24'], []],
];

for (const [name, specs, links, waiting] of cases) {
  test(`resolveLinks4: ${name}`, () => {
    const r = resolveLinks4(specs.map((s) => ({ name: s.name, address: s.address === null ? null : ip(s.address) })), table);
    const fmt = (a: number) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
    assert.deepEqual(r.links.map((l) => `${l.ifname}=${fmt(l.address)}/${l.prefixLength}`), links);
    assert.deepEqual(r.waiting.map((w) => `${w.name}:${w.reason}`), waiting);
  });
}

test('resolveLinks4: mac bytes, all-zero mac is null', () => {
  const r = resolveLinks4([{ name: '*', address: null }], table);
  assert.deepEqual(r.links[0]!.mac, new Uint8Array([2, 0, 0, 0, 0, 1]));
  assert.equal(r.links[1]!.mac, null);
});

test('sameLink4 compares every field', () => {
  const a = { ifname: 'eth0', address: 1, prefixLength: 24, mac: new Uint8Array([1, 2, 3, 4, 5, 6]) };
  assert.equal(sameLink4(a, { ...a, mac: new Uint8Array([1, 2, 3, 4, 5, 6]) }), true);
  assert.equal(sameLink4(a, { ...a, address: 2 }), false);
  assert.equal(sameLink4(a, { ...a, prefixLength: 25 }), false);
  assert.equal(sameLink4(a, { ...a, mac: null }), false);
  assert.equal(sameLink4(a, { ...a, mac: new Uint8Array([1, 2, 3, 4, 5, 7]) }), false);
});
