import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../util/index.ts';
import { createPartnerVerifier, signPartnerAnswer, signPartnerRequest, verifyPartnerAnswer } from './auth.ts';

const T0 = 1_800_000_000;
function fakeClock(): Clock & { set(sec: number): void } {
  let now = T0;
  return { now: () => now, monotonicMs: () => (now - T0) * 1000, set: (s) => { now = s; } };
}
let counter = 0;
const nonce = () => { const b = new Uint8Array(16); b[15] = ++counter; b[14] = counter >> 8; return b; };
const BODY = '{"command":"ha-heartbeat","service":["dhcp4"],"arguments":{"server-name":"server1"}}';
const sign = (over: Partial<Parameters<typeof signPartnerRequest>[0]> = {}) =>
  signPartnerRequest({ secret: 's3cret', method: 'POST', path: '/', body: BODY, nowSec: T0, nonce: nonce(), ...over });

describe('partner authentication', () => {
  it('accepts a good request (node headers and WHATWG Headers)', () => {
    const v = createPartnerVerifier({ secret: 's3cret', clock: fakeClock() });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: sign(), body: BODY }), { ok: true });
    assert.deepEqual(v.verify({ method: 'post', path: '/', headers: new Headers(sign()), body: Buffer.from(BODY) }), { ok: true });
  });
  it('refuses a wrong secret, missing or malformed headers, a tampered body, path or method', () => {
    const v = createPartnerVerifier({ secret: 's3cret', clock: fakeClock() });
    const cases: [string, Record<string, string>, string, string, string][] = [
      ['wrong secret', { ...sign({ secret: 'other' }) }, 'POST', '/', 'bad-signature'],
      ['tampered body', { ...sign() }, 'POST', '/', 'bad-signature'],
      ['other path', { ...sign() }, 'POST', '/x', 'bad-signature'],
      ['other method', { ...sign() }, 'PUT', '/', 'bad-signature'],
    ];
    for (const [name, headers, method, path, reason] of cases) {
      const body = name === 'tampered body' ? BODY.replace('server1', 'server2') : BODY;
      assert.deepEqual(v.verify({ method, path, headers, body }), { ok: false, reason }, name);
    }
    const { 'x-tandem-signature': _s, ...noSig } = sign();
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: noSig, body: BODY }), { ok: false, reason: 'missing-headers' });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: {}, body: BODY }), { ok: false, reason: 'missing-headers' });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: { ...sign(), 'x-tandem-nonce': 'zz' }, body: BODY }), { ok: false, reason: 'malformed-headers' });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: { ...sign(), 'x-tandem-signature': 'ab' }, body: BODY }), { ok: false, reason: 'malformed-headers' });
  });
  it('refuses a stale or future timestamp', () => {
    const clock = fakeClock();
    const v = createPartnerVerifier({ secret: 's3cret', clock, windowSec: 30 });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: sign({ nowSec: T0 - 31 }), body: BODY }), { ok: false, reason: 'stale' });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: sign({ nowSec: T0 + 31 }), body: BODY }), { ok: false, reason: 'stale' });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: sign({ nowSec: T0 - 30 }), body: BODY }), { ok: true });
  });
  it('refuses a replay within the window; the replay cache is bounded', () => {
    const clock = fakeClock();
    const v = createPartnerVerifier({ secret: 's3cret', clock, maxNonces: 2 });
    const h = sign();
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: h, body: BODY }), { ok: true });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: h, body: BODY }), { ok: false, reason: 'replayed' });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: sign(), body: BODY }), { ok: true });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: sign(), body: BODY }), { ok: false, reason: 'replay-cache-full' });
    clock.set(T0 + 31);
    // The old nonces left the window: they are evicted, and a replay of them is stale anyway.
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: sign({ nowSec: T0 + 31 }), body: BODY }), { ok: true });
    assert.deepEqual(v.verify({ method: 'POST', path: '/', headers: h, body: BODY }), { ok: false, reason: 'stale' });
  });
});

describe('partner answer signatures', () => {
  const answer = '[{"result":0,"text":"HA peer status returned."}]';
  const nonceHex = 'ab'.repeat(16);
  const headers = signPartnerAnswer({ secret: 's3cret', requestNonce: nonceHex, status: 200, body: answer, nowSec: T0 });
  const check = (over: Partial<Parameters<typeof verifyPartnerAnswer>[0]>) =>
    verifyPartnerAnswer({ secret: 's3cret', requestNonce: nonceHex, status: 200, headers, body: answer, ...over });

  it('accepts the answer to its own request', () => {
    assert.deepEqual(check({}), { ok: true });
  });

  it('refuses another request\'s answer, a changed body or status, a wrong secret and a missing signature', () => {
    assert.deepEqual(check({ requestNonce: 'cd'.repeat(16) }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check({ body: answer.replace('0', '1') }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check({ status: 401 }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check({ secret: 'other' }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check({ headers: {} }), { ok: false, reason: 'missing-headers' });
  });
});
