import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean, editDistance } from './did-you-mean.ts';

describe('didYouMean', () => {
  const keys = ['valid-lifetime', 'subnet4', 'option-data', 'interfaces-config', 'renew-timer', 'rebind-timer', 'id'];
  const cases: Array<[string, string | null]> = [
    ['valid-lifetme', 'valid-lifetime'],
    ['valid_lifetime', 'valid-lifetime'],
    ['Valid-Lifetime', 'valid-lifetime'],
    ['subnets4', 'subnet4'],
    ['subnet', 'subnet4'],
    ['option_data', 'option-data'],
    ['interface-config', 'interfaces-config'],
    ['renew-time', 'renew-timer'],
    ['ip', 'id'],
    ['totally-different', null],
    ['xyz', null],
  ];
  for (const [word, expected] of cases) {
    it(`${word} → ${expected}`, () => assert.equal(didYouMean(word, keys), expected));
  }
  it('computes edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
    assert.ok(editDistance('aaaaaaaa', 'bbbbbbbb', 2) > 2);
  });
});
