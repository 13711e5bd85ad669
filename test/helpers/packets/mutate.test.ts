import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createRng, hostilePackets, HOSTILE_KINDS, loadFixtureRequests } from './mutate.ts';
import { aDiscover4Bytes, aRequest4Bytes, macBytes, MIN_DHCP4_LEN, MsgType4, peekDhcp4 } from './dhcp4-bytes.ts';
import { decodeBlastFile, encodeBlastFile } from './udp-blast.ts';

test('hand-built DISCOVER and REQUEST decode with the oracle', () => {
  const d = peekDhcp4(aDiscover4Bytes({ xid: 0x01020304, chaddr: macBytes('02:00:00:00:00:01') }));
  assert.ok(d);
  assert.equal(d.msgType, MsgType4.DISCOVER);
  assert.equal(d.xid, 0x01020304);
  assert.equal(d.chaddr, '02:00:00:00:00:01');
  const r = peekDhcp4(aRequest4Bytes({ xid: 7, chaddr: macBytes('02:00:00:00:00:02'), requestedIp: '10.0.0.9', serverId: '10.0.0.1' }));
  assert.equal(r?.msgType, MsgType4.REQUEST);
  assert.equal(r?.serverId, '10.0.0.1');
  assert.deepEqual([...(r?.options.get(50) ?? [])], [10, 0, 0, 9]);
});

test('the PRNG is deterministic and spreads', () => {
  const a = createRng(42);
  const b = createRng(42);
  const xs = Array.from({ length: 1000 }, () => a.int(10));
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.int(10)));
  for (let k = 0; k < 10; k++) assert.ok(xs.filter((x) => x === k).length > 50);
});

const fixtures = loadFixtureRequests(fileURLToPath(new URL('../../fixtures/packets/v4', import.meta.url)));

for (const bases of [[], fixtures]) test(`hostilePackets (${bases.length} fixture bases): same seed same packets, every kind present, classes consistent`, () => {
  const o = { seed: 7, count: 2000, requestedIps: ['10.0.0.50', '10.0.0.51'], serverId: '10.0.0.1', bases };
  const a = hostilePackets(o);
  const b = hostilePackets(o);
  assert.equal(a.length, 2000);
  assert.deepEqual(a.map((p) => [...p.bytes]), b.map((p) => [...p.bytes]));
  for (const k of HOSTILE_KINDS) assert.ok(a.some((p) => p.kind === k), `kind ${k} missing`);
  for (const p of a) {
    if (p.bytes.length < MIN_DHCP4_LEN) assert.ok(p.mustDrop, `${p.kind} of ${p.bytes.length} bytes must be dropped`);
    if (p.unparseable) assert.ok(p.mustDrop);
    assert.ok(p.bytes.length <= 4000);
    if (p.chaddr.startsWith('02:dd:')) assert.ok(p.mustDrop || p.kind === 'truncated');
    if (p.mustDrop && p.kind !== 'truncated' && p.kind !== 'bit-flip') assert.ok(p.chaddr.startsWith('02:dd:'), p.kind);
    const peek = peekDhcp4(p.bytes);
    // a packet a server may serve must still carry a chaddr of the "may be valid" class
    if (!p.mustDrop && peek !== null && peek.hlen >= 2 && peek.hlen <= 16) assert.ok(peek.chaddr.startsWith('02:22'), `${p.kind} ${peek.chaddr}`);
  }
  // every truncation length below header+cookie is there
  const lens = new Set(a.filter((p) => p.kind === 'truncated').map((p) => p.bytes.length));
  for (let n = 1; n < MIN_DHCP4_LEN; n++) assert.ok(lens.has(n), `length ${n}`);
  assert.ok(a.some((p) => p.bytes.length === 4000));
  assert.ok(a.some((p) => p.bytes.length > 1400 && p.bytes.length <= 1472));
  const bad = a.filter((p) => p.kind === 'bootreply');
  assert.ok(bad.every((p) => p.bytes[0] === 2 && p.mustDrop));
});

test('blast file round-trips', () => {
  const pk = [{ bytes: Uint8Array.of(1, 2, 3), broadcast: true }, { bytes: new Uint8Array(0), broadcast: false }];
  const back = decodeBlastFile(encodeBlastFile(pk));
  assert.deepEqual(back.map((p) => [p.broadcast, [...p.bytes]]), [[true, [1, 2, 3]], [false, []]]);
});
