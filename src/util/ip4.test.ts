import { it } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp4, inPrefix, parseIp4, prefixMask } from './ip4.ts';

it('parses exactly four decimal octets', () => {
  const cases: Array<[string, number | null]> = [
    ['0.0.0.0', 0], ['255.255.255.255', 0xffffffff], ['10.0.0.1', 0x0a000001], ['01.2.3.4', 0x01020304],
    ['1.2.3', null], ['1.2.3.4.5', null], ['256.1.1.1', null], ['1.2.3.256', null], ['1..2.3', null], ['1.2.3.4 ', null],
    ['', null], ['1.2.3.', null], ['.1.2.3', null], ['1234.1.1.1', null], ['a.b.c.d', null], ['-1.2.3.4', null],
  ];
  for (const [text, expected] of cases) assert.equal(parseIp4(text), expected, text);
});

it('formats, masks and matches prefixes', () => {
  assert.equal(formatIp4(0xc0000201), '192.0.2.1');
  assert.equal(prefixMask(0), 0);
  assert.equal(prefixMask(24), 0xffffff00);
  assert.equal(prefixMask(32), 0xffffffff);
  assert.equal(inPrefix(0x0a000105, 0x0a000100, 24), true);
  assert.equal(inPrefix(0x0a000205, 0x0a000100, 24), false);
});
