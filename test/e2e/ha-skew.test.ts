// Invariant 6 (clocks are checked), end to end: server2 runs under libfaketime (the `faketime`
// package, as `faketime -f +45s` sets it up). 45 s off: a HA_CLOCK_SKEW warning is logged and the
// pair still serves in its normal state. 90 s off: the servers stop trusting each other, go to
// `terminated`, and status-get says why.
//
// No shared secret here: a signed request more than 30 s off the receiver's clock is refused as
// stale (docs/ha.md "Authentication"), so with a secret the pair would never exchange the heartbeats
// that measure the skew. This test is about the measurement; ha-auth covers the secret.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { delay } from '../helpers/lab/index.ts';
import { fakeTimeEnv, haSkipReason, normalState, startHaPair } from '../helpers/lab/ha.ts';
import type { HaPair, HaServer } from '../helpers/lab/ha.ts';

const LIBFAKETIME = fakeTimeEnv('+0s')['LD_PRELOAD']!;
const skip = haSkipReason(['faketime']) ?? (existsSync(LIBFAKETIME) ? null : `${LIBFAKETIME} is missing`);
const pairs = new Set<HaPair>();
after(async () => {
  for (const p of pairs) await p.destroy();
});

async function waitLog(s: HaServer, re: RegExp, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (re.test(s.srv.output())) return true;
    await delay(250);
  }
  return false;
}

describe('HA clock skew', { skip: skip ?? false }, () => {
  it('45 s off: HA_CLOCK_SKEW is logged and the pair stays in its normal state', { timeout: 120_000 }, async () => {
    const pair = await startHaPair('hot-standby', { clients: 0, secret: null, env: { server2: fakeTimeEnv('+45s') } });
    pairs.add(pair);
    try {
      const skewed = await pair.standby.call('status-get');
      assert.equal(skewed.result, 0);
      const warned = await Promise.race([
        waitLog(pair.primary, /"id":"HA_CLOCK_SKEW"/, 30_000),
        waitLog(pair.standby, /"id":"HA_CLOCK_SKEW"/, 30_000),
      ]);
      assert.ok(warned, `no HA_CLOCK_SKEW within 30 s;\n--- server1:\n${pair.primary.srv.output().slice(-3000)}`);
      await pair.waitNormal(30_000);
      const st = await pair.primary.haStatus();
      assert.equal(st.state, normalState('hot-standby'), 'a 45 s skew is a warning, not a transition');
      assert.match(JSON.stringify(st.raw), /skew[a-z-]*"\s*:\s*-?4[3-7]\b/i, 'status-get shows the measured skew');
    } finally {
      pairs.delete(pair);
      await pair.destroy();
    }
  });

  it('90 s off: both servers go to terminated and status-get gives the reason', { timeout: 120_000 }, async () => {
    const pair = await startHaPair('hot-standby', { clients: 0, secret: null, env: { server2: fakeTimeEnv('+90s') } });
    pairs.add(pair);
    try {
      await Promise.all([pair.waitState(pair.primary, ['terminated'], 30_000), pair.waitState(pair.standby, ['terminated'], 30_000)]);
      for (const s of [pair.primary, pair.standby]) {
        const st = await s.haStatus();
        assert.equal(st.state, 'terminated');
        assert.match(JSON.stringify(st.raw), /clock skew/i, `${s.name}'s status-get says why: ${JSON.stringify(st.raw)}`);
        assert.match(s.srv.output(), /"id":"HA_STATE_TRANSITION"[^\n]*terminated/, `${s.name} logged the transition`);
      }
    } finally {
      pairs.delete(pair);
      await pair.destroy();
    }
  });
});
