import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CodecError, HEADER4, MessageType4, Opt4, Options4, createMessage4, decodeMessage4, encodeMessage4,
  encodeMessage4Into, getIp4Option, getMessageType4, getParameterRequestList, getStringOption,
  getUint16Option, getUint32Option, message4EncodingLength,
} from '../index.ts';
import type { Message4 } from '../index.ts';
import { loadFixtures4 } from '../test-fixtures.ts';

const fixtures = loadFixtures4();

function semantic(m: Message4): unknown {
  const { options, ...header } = m;
  return { ...header, chaddr: [...m.chaddr], sname: [...m.sname], file: [...m.file], options: [...options].map(([c, d]) => [c, [...d]]).sort((a, b) => (a[0] as number) - (b[0] as number)) };
  // (encode moves 53 and 54 to the front, so option order is compared separately)
}

/** R11 round trip: decode(encode(m)) = m, encode idempotent, length = bytes written, works at an offset. */
function roundTrip(m: Message4, maxSize?: number): Uint8Array {
  const bytes = encodeMessage4(m, maxSize);
  assert.equal(bytes.length, message4EncodingLength(m, maxSize), 'encodingLength equals bytes written');
  const again = decodeMessage4(bytes);
  assert.deepEqual(semantic(again), semantic(m), 'decode(encode(m)) equals m');
  assert.deepEqual(encodeMessage4(again, maxSize), bytes, 'encode is idempotent');
  const big = new Uint8Array(bytes.length + 20).fill(0xee);
  const n = encodeMessage4Into(m, big, 10, maxSize);
  assert.equal(n, bytes.length);
  assert.deepEqual(big.subarray(10, 10 + n), bytes, 'encoding at an offset writes the same bytes');
  assert.deepEqual(semantic(decodeMessage4(big.subarray(10, 10 + n))), semantic(m));
  return bytes;
}

function onlyCodecErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    assert.match(e.code, /^ERR_CODEC_/);
  }
}

test('fixtures exist with provenance', () => {
  assert.ok(fixtures.length >= 10);
  for (const f of fixtures) assert.ok(f.source.length > 0, `${f.name} has a # source: line`);
});

for (const f of fixtures) {
  test(`fixture ${f.name}: decodes, round-trips, truncation sweep`, () => {
    const m = decodeMessage4(f.bytes);
    assert.ok(getMessageType4(m) !== null, 'has a message type');
    assert.equal(m.chaddr.length, 16);
    assert.equal(m.chaddr.buffer, f.bytes.buffer, 'chaddr is a view');
    roundTrip(m);
    for (let i = 0; i < f.bytes.length; i++) {
      const prefix = f.bytes.subarray(0, i);
      if (i < HEADER4.OPTIONS_OFFSET) {
        assert.throws(() => decodeMessage4(prefix), (e: unknown) => e instanceof CodecError && e.code === 'ERR_CODEC_TOO_SHORT');
      } else {
        onlyCodecErrors(() => decodeMessage4(prefix));
      }
    }
  });
}

test('fixture facts pinned', () => {
  const byName = new Map(fixtures.map((f) => [f.name, decodeMessage4(f.bytes)]));
  const offer = byName.get('kea-offer')!;
  assert.equal(getMessageType4(offer), MessageType4.OFFER);
  assert.equal(getUint32Option(offer, Opt4.LEASE_TIME), 3600);
  assert.equal(getIp4Option(offer, Opt4.SERVER_ID), 0x0a4d0001);
  assert.equal(getStringOption(offer, Opt4.DOMAIN_NAME), 'example.test');
  const relayed = byName.get('relayed-discover')!;
  assert.equal(relayed.giaddr, 0x0a4f0001);
  assert.equal(relayed.hops, 1);
  assert.ok(relayed.options.has(Opt4.RELAY_AGENT_INFO));
  const udhcpc = byName.get('udhcpc-discover')!;
  assert.equal(getUint16Option(udhcpc, Opt4.MAX_MESSAGE_SIZE), 576);
  assert.deepEqual([...getParameterRequestList(udhcpc)], [1, 3, 6, 12, 15, 28, 42]);
  assert.equal(getMessageType4(byName.get('dhcpcd-decline')!), MessageType4.DECLINE);
  assert.equal(getMessageType4(byName.get('dhcpcd-inform')!), MessageType4.INFORM);
  assert.equal(getMessageType4(byName.get('dhclient-release')!), MessageType4.RELEASE);
  assert.equal(getMessageType4(byName.get('kea-nak')!), MessageType4.NAK);
});

test('mutation property: flips, truncations and extensions of fixtures only ever raise CodecError', () => {
  const corpus = fixtures.map((f) => f.bytes);
  const mutated = fc.tuple(
    fc.integer({ min: 0, max: corpus.length - 1 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
    fc.oneof(fc.constant(null), fc.nat({ max: 700 })),
    fc.uint8Array({ maxLength: 400 }),
  ).map(([i, flips, cut, tail]) => {
    const base = corpus[i]!;
    const out = new Uint8Array(base.length + tail.length);
    out.set(base);
    out.set(tail, base.length);
    for (const [at, v] of flips) out[240 + (at % Math.max(1, out.length - 240))] = v;
    return cut === null ? out : out.subarray(0, cut);
  });
  fc.assert(fc.property(mutated, (bytes) => {
    onlyCodecErrors(() => {
      const m = decodeMessage4(bytes);
      // whatever decodes must re-encode (with room) and decode to the same message
      const again = decodeMessage4(encodeMessage4(m, 65535));
      assert.deepEqual(semantic(again), semantic(m));
    });
  }), { seed: 4242, numRuns: 2000 });
});

test('header errors', () => {
  const good = encodeMessage4(createMessage4({ options: new Options4().set(Opt4.MESSAGE_TYPE, Uint8Array.of(1)) }));
  const badCookie = good.slice();
  badCookie[239] = 0;
  assert.throws(() => decodeMessage4(badCookie), { code: 'ERR_CODEC_BAD_COOKIE', offset: 236 });
  const badHlen = good.slice();
  badHlen[2] = 17;
  assert.throws(() => decodeMessage4(badHlen), { code: 'ERR_CODEC_BAD_HEADER' });
  assert.throws(() => decodeMessage4(new Uint8Array(65536)), { code: 'ERR_CODEC_TOO_LARGE' });
});

function raw(options: number[]): Uint8Array {
  const m = encodeMessage4(createMessage4());
  const out = new Uint8Array(240 + options.length);
  out.set(m.subarray(0, 240));
  out.set(options, 240);
  return out;
}

test('option walk: PAD skipped, END stops, missing END tolerated, overrun is CodecError', () => {
  const cases: Array<[string, number[], Array<[number, number[]]> | string]> = [
    ['pads and end', [0, 0, 53, 1, 1, 0, 255, 12, 1, 65], [[53, [1]]]],
    ['missing END', [53, 1, 3, 12, 2, 104, 105], [[53, [3]], [12, [104, 105]]]],
    ['trailing garbage after END', [53, 1, 1, 255, 99, 99], [[53, [1]]]],
    ['zero-length option', [53, 1, 1, 80, 0, 255], [[53, [1]], [80, []]]],
    ['length past end', [53, 1, 1, 12, 5, 104], 'ERR_CODEC_TRUNCATED'],
    ['length byte missing', [53, 1, 1, 12], 'ERR_CODEC_TRUNCATED'],
    ['bad overload value', [52, 1, 4, 255], 'ERR_CODEC_BAD_OPTION'],
  ];
  for (const [name, opts, want] of cases) {
    if (typeof want === 'string') {
      assert.throws(() => decodeMessage4(raw(opts)), { code: want }, name);
    } else {
      const m = decodeMessage4(raw(opts));
      assert.deepEqual([...m.options].map(([c, d]) => [c, [...d]]), want, name);
    }
  }
});

test('RFC 3396: repeated instances concatenate in order; long options split on encode', () => {
  const m = decodeMessage4(raw([53, 1, 1, 12, 2, 97, 98, 61, 1, 9, 12, 1, 99, 255]));
  assert.deepEqual([...m.options.get(12)!], [97, 98, 99]);
  assert.deepEqual(m.options.codes(), [53, 12, 61]);

  const long = new Uint8Array(600).map((_, i) => i & 255);
  const msg = createMessage4({ options: new Options4().set(Opt4.MESSAGE_TYPE, Uint8Array.of(5)).set(43, long) });
  const bytes = roundTrip(msg, 1500);
  assert.deepEqual([bytes[240], bytes[243], bytes[244]], [53, 43, 255], '53 first, then the first 255-byte piece');
  assert.equal(bytes.length, 240 + 3 + 3 * 2 + 600 + 1);
});

test('encode order: 53, 54, then insertion order; replies padded to 300', () => {
  const opts = new Options4().set(Opt4.LEASE_TIME, Uint8Array.of(0, 0, 14, 16)).set(Opt4.SERVER_ID, Uint8Array.of(10, 0, 0, 1))
    .set(Opt4.MESSAGE_TYPE, Uint8Array.of(2)).set(Opt4.OVERLOAD, Uint8Array.of(3));
  const withOverload = encodeMessage4(createMessage4({ op: 2, options: opts }));
  assert.equal(decodeMessage4(withOverload).options.has(Opt4.OVERLOAD), false, 'a caller-set 52 is ignored; encode decides');
  opts.delete(Opt4.OVERLOAD);
  const bytes = roundTrip(createMessage4({ op: 2, options: opts }));
  assert.deepEqual(bytes, withOverload);
  assert.equal(bytes.length, 300);
  assert.deepEqual([bytes[240], bytes[243], bytes[249]], [53, 54, 51]);
  opts.set(Opt4.LEASE_TIME, Uint8Array.of(0, 0, 0, 60));
  assert.deepEqual(opts.codes(), [51, 54, 53], 'set() on a present code replaces in place');
});

test('option overload: file then sname when the options field is full; TOO_LARGE beyond', () => {
  const opts = new Options4().set(Opt4.MESSAGE_TYPE, Uint8Array.of(5));
  for (let code = 200; code < 206; code++) opts.set(code, new Uint8Array(60).fill(code));
  const m = createMessage4({ op: 2, options: opts });
  const bytes = roundTrip(m, 576);
  assert.ok(bytes.length <= 576);
  const decoded = decodeMessage4(bytes);
  assert.deepEqual([...decoded.file], new Array(128).fill(0), 'file holds options, decoded as zeros');
  const overload = bytes.indexOf(52, 240);
  assert.ok(overload > 240);
  assert.equal(bytes[108], 205, 'options continue in file');
  for (let code = 206; code < 208; code++) opts.set(code, new Uint8Array(50).fill(code));
  const both = roundTrip(createMessage4({ op: 2, options: opts }), 576);
  assert.equal(both[44], 207, 'then in sname');
  opts.set(220, new Uint8Array(200));
  assert.throws(() => encodeMessage4(createMessage4({ options: opts }), 576), { code: 'ERR_CODEC_TOO_LARGE' });
  assert.doesNotThrow(() => roundTrip(createMessage4({ options: opts }), 1500), 'a larger max size needs no overload');
  const withFile = createMessage4({ options: opts, file: new TextEncoder().encode('pxelinux.0') });
  assert.throws(() => encodeMessage4(withFile, 700), { code: 'ERR_CODEC_TOO_LARGE' }, 'a used file field is never overwritten');
});

test('createMessage4 defaults and chaddr padding', () => {
  const m = createMessage4({ chaddr: Uint8Array.of(1, 2, 3, 4, 5, 6) });
  assert.deepEqual([m.op, m.htype, m.hlen, m.chaddr.length, m.sname.length, m.file.length], [1, 1, 6, 16, 64, 128]);
  assert.throws(() => createMessage4({ chaddr: new Uint8Array(17) }), CodecError);
  assert.throws(() => new Options4().set(0, new Uint8Array(0)), CodecError);
});
