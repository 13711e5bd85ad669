import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../util/index.ts';
import { createUnackedClientsDetector, measureClockSkew, normalizeSecs } from './facts.ts';
import { formatHttpDate, parseHttpDate } from './http-date.ts';

function fakeClock(startSec = 1_800_000_000): Clock & { advance(ms: number): void } {
  let ms = 0;
  return { now: () => startSec + ms / 1000, monotonicMs: () => ms, advance: (d) => { ms += d; } };
}

describe('unacked clients detector', () => {
  const hw = (i: number) => `0a:00:00:00:00:${i.toString(16).padStart(2, '0')}`;
  it('counts distinct clients with secs ≥ max-ack-delay, as Kea does', () => {
    const clock = fakeClock();
    const d = createUnackedClientsDetector({ maxAckDelayMs: 10_000, maxUnackedClients: 10, clock });
    for (let i = 0; i < 5; i++) d.observe({ hwAddress: hw(i), clientId: null, secs: 3 });
    for (let i = 0; i < 3; i++) d.observe({ hwAddress: hw(i), clientId: null, secs: 12 });
    d.observe({ hwAddress: hw(0), clientId: null, secs: 20 });
    d.observe({ hwAddress: hw(0), clientId: '01:02', secs: 10 });
    assert.deepEqual(d.snapshot(), { connectingClients: 6, unackedClients: 4, unackedClientsLeft: 7, analyzedPackets: 10 });
    d.reset();
    assert.deepEqual(d.snapshot(), { connectingClients: 0, unackedClients: 0, unackedClientsLeft: 11, analyzedPackets: 0 });
  });
  it('old evidence fades after the window; the tracked set is bounded', () => {
    const clock = fakeClock();
    const d = createUnackedClientsDetector({ maxAckDelayMs: 10_000, maxUnackedClients: 1, clock, windowMs: 1000, maxTracked: 3 });
    d.observe({ hwAddress: hw(1), clientId: null, secs: 30 });
    clock.advance(600);
    d.observe({ hwAddress: hw(2), clientId: null, secs: 30 });
    clock.advance(600);
    assert.equal(d.snapshot().unackedClients, 1);
    for (let i = 3; i < 10; i++) d.observe({ hwAddress: hw(i), clientId: null, secs: 0 });
    assert.equal(d.snapshot().connectingClients, 3);
  });
  it('reads byte-swapped secs from Windows clients', () => {
    assert.equal(normalizeSecs(0x0c00), 12);
    assert.equal(normalizeSecs(12), 12);
    assert.equal(normalizeSecs(0x0c01), 0x0c01);
  });
});

describe('clock skew and HTTP dates', () => {
  it('formats and parses Kea heartbeat dates', () => {
    assert.equal(formatHttpDate(1573116577), 'Thu, 07 Nov 2019 08:49:37 GMT');
    assert.equal(parseHttpDate('Thu, 07 Nov 2019 08:49:37 GMT'), 1573116577);
    assert.equal(parseHttpDate('Thursday, 07-Nov-19 08:49:37 GMT'), 1573116577);
    assert.equal(parseHttpDate('Thu Nov  7 08:49:37 2019'), 1573116577);
    for (const bad of ['', 'Thu, 31 Feb 2019 08:49:37 GMT', 'Thu, 07 Nov 2019 25:49:37 GMT', '2019-11-07T08:49:37Z', 'Thu, 07 Nov 2019 08:49:37 UTC']) {
      assert.equal(parseHttpDate(bad), null, bad);
    }
  });
  it('45 s is a warning, 90 s terminates, either sign', () => {
    const now = 1_800_000_000;
    const limits = { warnSec: 30, terminateSec: 60 };
    assert.deepEqual(measureClockSkew(formatHttpDate(now + 5), now, limits), { skewSec: 5, level: 'ok' });
    assert.deepEqual(measureClockSkew(formatHttpDate(now + 45), now, limits), { skewSec: 45, level: 'warn' });
    assert.deepEqual(measureClockSkew(formatHttpDate(now - 90), now, limits), { skewSec: -90, level: 'terminate' });
    assert.deepEqual(measureClockSkew(formatHttpDate(now + 60), now, limits), { skewSec: 60, level: 'warn' });
    assert.equal(measureClockSkew('yesterday', now, limits), null);
  });
});
