import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CodecError, RelaySubOpt4, decodeClasslessRoutes, decodeClientFqdn, decodeDomainSearch, decodeMessage4,
  decodeRelayAgentInfo, encodeClasslessRoutes, encodeClientFqdn, encodeDomainSearch, encodeRelayAgentInfo, Opt4,
} from '../index.ts';
import type { ClientFqdn } from '../index.ts';
import { loadFixtures4 } from '../test-fixtures.ts';

const bytes = (...xs: number[]) => Uint8Array.from(xs);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function onlyCodecErrors(f: () => unknown): void {
  try { f(); } catch (e) { if (!(e instanceof CodecError)) throw e; }
}

test('relay agent info (82): captured dhcrelay circuit-id, round trip, errors', () => {
  const relayed = loadFixtures4().find((f) => f.name === 'relayed-discover')!;
  const subs = decodeRelayAgentInfo(decodeMessage4(relayed.bytes).options.get(Opt4.RELAY_AGENT_INFO)!);
  assert.equal(subs.length, 1);
  assert.equal(subs[0]!.code, RelaySubOpt4.CIRCUIT_ID);
  assert.match(new TextDecoder().decode(subs[0]!.data), /rC$/, 'dhcrelay uses the interface name');

  const list = [
    { code: RelaySubOpt4.CIRCUIT_ID, data: bytes(0, 4, 0, 1) },
    { code: RelaySubOpt4.REMOTE_ID, data: bytes(...ascii('r1')) },
    { code: RelaySubOpt4.LINK_SELECTION, data: bytes(10, 0, 0, 0) },
    { code: RelaySubOpt4.SERVER_ID_OVERRIDE, data: bytes(10, 0, 0, 1) },
    { code: RelaySubOpt4.SUBSCRIBER_ID, data: bytes() },
  ];
  const wire = encodeRelayAgentInfo(list);
  assert.deepEqual(decodeRelayAgentInfo(wire).map((s) => [s.code, [...s.data]]), list.map((s) => [s.code, [...s.data]]));
  for (let i = 1; i < wire.length; i++) {
    const cut = wire.subarray(0, i);
    onlyCodecErrors(() => decodeRelayAgentInfo(cut));
  }
  assert.throws(() => decodeRelayAgentInfo(bytes(1, 5, 1)), { code: 'ERR_CODEC_TRUNCATED' });
  assert.throws(() => decodeRelayAgentInfo(bytes(1)), { code: 'ERR_CODEC_TRUNCATED' });
  assert.throws(() => encodeRelayAgentInfo([{ code: 1, data: new Uint8Array(256) }]), { code: 'ERR_CODEC_TOO_LARGE' });
});

test('client FQDN (81): wire, partial, ASCII, captured dhcpcd', () => {
  const cases: Array<[string, number[], ClientFqdn]> = [
    ['full wire name', [0x05, 0, 0, 4, ...ascii('host'), 3, ...ascii('com'), 0], { flags: 5, rcode1: 0, rcode2: 0, name: 'host.com', partial: false }],
    ['partial wire name', [0x04, 0, 0, 4, ...ascii('host')], { flags: 4, rcode1: 0, rcode2: 0, name: 'host', partial: true }],
    ['empty name', [0x04, 255, 255], { flags: 4, rcode1: 255, rcode2: 255, name: '', partial: true }],
    ['ASCII, qualified', [0x01, 0, 0, ...ascii('a.example.')], { flags: 1, rcode1: 0, rcode2: 0, name: 'a.example', partial: false }],
    ['ASCII, partial, NUL-terminated', [0x00, 0, 0, ...ascii('a'), 0], { flags: 0, rcode1: 0, rcode2: 0, name: 'a', partial: true }],
  ];
  for (const [name, wire, want] of cases) {
    const got = decodeClientFqdn(Uint8Array.from(wire));
    assert.deepEqual(got, want, name);
    const canonical = encodeClientFqdn(got);
    assert.deepEqual(decodeClientFqdn(canonical), { ...want, flags: want.flags | 4 }, `${name}: canonical form`);
  }
  const dhcpcd = loadFixtures4().find((f) => f.name === 'dhcpcd-discover')!;
  const fqdn = decodeClientFqdn(decodeMessage4(dhcpcd.bytes).options.get(Opt4.CLIENT_FQDN)!);
  assert.deepEqual(fqdn, { flags: 5, rcode1: 0, rcode2: 0, name: 'dhcpcd-fixture', partial: true });
  assert.throws(() => decodeClientFqdn(bytes(4, 0)), { code: 'ERR_CODEC_TRUNCATED' });
  assert.throws(() => decodeClientFqdn(bytes(4, 0, 0, 5, 97)), { code: 'ERR_CODEC_TRUNCATED' });
  assert.throws(() => decodeClientFqdn(bytes(4, 0, 0, 1, 97, 0, 9)), { code: 'ERR_CODEC_BAD_NAME' });
  assert.throws(() => decodeClientFqdn(bytes(4, 0, 0, 0xc0, 0)), { code: 'ERR_CODEC_BAD_NAME' }, 'no compression in 81');
  assert.throws(() => encodeClientFqdn({ flags: 0, rcode1: 0, rcode2: 0, name: 'a'.repeat(64), partial: false }), { code: 'ERR_CODEC_BAD_NAME' });
});

test('domain search (119): compression pointers, loops, bad pointers', () => {
  // RFC 3397 §4 example: eng.apple.com, marketing.apple.com
  const rfc = bytes(3, ...ascii('eng'), 5, ...ascii('apple'), 3, ...ascii('com'), 0, 9, ...ascii('marketing'), 0xc0, 4);
  assert.deepEqual(decodeDomainSearch(rfc), ['eng.apple.com', 'marketing.apple.com']);
  assert.deepEqual(encodeDomainSearch(['eng.apple.com', 'marketing.apple.com']), rfc, 'encoder compresses like the RFC');
  const names = ['example.test', 'lab.example.test', 'example.test', 'other.org', 'a.b.other.org'];
  assert.deepEqual(decodeDomainSearch(encodeDomainSearch(names)), names);
  const kea = loadFixtures4().find((f) => f.name === 'kea-ack')!;
  assert.deepEqual(decodeDomainSearch(decodeMessage4(kea.bytes).options.get(Opt4.DOMAIN_SEARCH)!), ['example.test', 'lab.example.test']);
  const bad: Array<[string, number[], string]> = [
    ['pointer to itself (loop)', [0xc0, 0], 'ERR_CODEC_BAD_NAME'],
    ['forward pointer', [1, 97, 0xc0, 5, 0, 1, 98, 0], 'ERR_CODEC_BAD_NAME'],
    ['pointer loop via earlier label', [1, 97, 0xc0, 0], 'ERR_CODEC_BAD_NAME'],
    ['pointer cut short', [1, 97, 0, 0xc0], 'ERR_CODEC_TRUNCATED'],
    ['label past end', [5, 97], 'ERR_CODEC_TRUNCATED'],
    ['missing root label', [1, 97], 'ERR_CODEC_TRUNCATED'],
    ['reserved label type', [0x40, 0], 'ERR_CODEC_BAD_NAME'],
  ];
  for (const [name, wire, code] of bad) assert.throws(() => decodeDomainSearch(Uint8Array.from(wire)), { code }, name);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (data) => onlyCodecErrors(() => decodeDomainSearch(data))), { seed: 119, numRuns: 2000 });
});

test('classless static routes (121)', () => {
  const routes = [
    { network: 0x0a000000, prefixLength: 8, router: 0x0a000001 },
    { network: 0xc0a80100, prefixLength: 24, router: 0x0a000001 },
    { network: 0xc0a80180, prefixLength: 25, router: 0x0a000002 },
    { network: 0, prefixLength: 0, router: 0x0a0000fe },
    { network: 0x01020304, prefixLength: 32, router: 0x0a000001 },
  ];
  const wire = encodeClasslessRoutes(routes);
  assert.deepEqual([...wire.subarray(0, 6)], [8, 10, 10, 0, 0, 1]);
  assert.deepEqual(decodeClasslessRoutes(wire), routes);
  assert.deepEqual(decodeClasslessRoutes(bytes(12, 10, 0x1f, 10, 0, 0, 1)), [{ network: 0x0a100000, prefixLength: 12, router: 0x0a000001 }], 'host bits masked');
  assert.throws(() => decodeClasslessRoutes(bytes(33, 1, 2, 3, 4, 5, 6, 7, 8)), { code: 'ERR_CODEC_BAD_OPTION' });
  assert.throws(() => decodeClasslessRoutes(bytes(24, 10, 0, 0, 1)), { code: 'ERR_CODEC_TRUNCATED' });
  const kea = loadFixtures4().find((f) => f.name === 'kea-ack')!;
  assert.throws(() => decodeClasslessRoutes(decodeMessage4(kea.bytes).options.get(121)!), CodecError, 'the captured (mistyped) 121 is malformed');
  assert.throws(() => encodeClasslessRoutes([{ network: 0, prefixLength: 33, router: 0 }]), { code: 'ERR_CODEC_BAD_OPTION' });
});
