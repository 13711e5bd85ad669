// Invariant 5 (only partners speak as partners), end to end. With a shared secret, requests to a
// server's HA listener are crafted and sent from inside the partner's namespace (the HA link), as a
// node script: unsigned, signed with a wrong secret, stale, tampered and replayed lease4-update /
// lease4-del messages are refused with 401 and change no lease; correctly signed fresh ones work.
// A partner configured with the wrong secret never reaches the normal state with its peer.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { delay } from '../helpers/lab/index.ts';
import type { KeaLease } from '../helpers/lab/index.ts';
import { haSkipReason, normalState, startHaPair } from '../helpers/lab/ha.ts';
import type { HaPair } from '../helpers/lab/ha.ts';
import { signPartnerRequest } from '../../src/ha/index.ts';

const skip = haSkipReason();
const pairs = new Set<HaPair>();
after(async () => {
  for (const p of pairs) await p.destroy();
});

// Sends each request as given (raw body, raw headers) and reports status and body; run in a namespace.
const SENDER = `import http from 'node:http';
let input = ''; for await (const d of process.stdin) input += d;
const out = [];
for (const q of JSON.parse(input)) {
  out.push(await new Promise((resolve) => {
    const req = http.request(q.url, { method: 'POST', headers: { 'content-type': 'application/json', ...q.headers }, timeout: 10000 }, (res) => {
      let b = ''; res.setEncoding('utf8'); res.on('data', (d) => (b += d)); res.on('end', () => resolve({ status: res.statusCode, raw: b }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, raw: String(e) }));
    req.end(q.body);
  }));
}
process.stdout.write(JSON.stringify(out));
`;

type Sent = { status: number; raw: string };
type Req = { url: string; headers: Record<string, string>; body: string };

/** The documented signature (docs/ha.md "Authentication"), written out independently of src/ha/auth.ts. */
function sign(secret: string, body: string, nowSec: number, nonce = randomBytes(16).toString('hex')): Record<string, string> {
  const ts = String(Math.floor(nowSec));
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const sig = createHmac('sha256', secret).update(`tandem-ha-v1\nPOST\n/\n${ts}\n${nonce}\n${bodyHash}`).digest('hex');
  return { 'x-tandem-timestamp': ts, 'x-tandem-nonce': nonce, 'x-tandem-signature': sig };
}

function leaseArgs(addr: string, nowSec: number): Record<string, unknown> {
  return {
    'ip-address': addr, 'hw-address': '02:ba:dd:00:00:01', 'valid-lft': 3600, cltt: nowSec, expire: nowSec + 3600,
    'subnet-id': 1, hostname: 'mallory', state: 0, 'fqdn-fwd': false, 'fqdn-rev': false, 'force-create': true, origin: 'ha-partner',
  };
}

const body = (command: string, args: Record<string, unknown>): string => JSON.stringify({ command, service: ['dhcp4'], arguments: args });

async function send(pair: HaPair, reqs: Req[]): Promise<Sent[]> {
  const r = await pair.lab.exec(pair.net.primary.ns, ['node', '--input-type=module', '-e', SENDER], { input: JSON.stringify(reqs), timeoutMs: 30_000 });
  assert.equal(r.code, 0, `sender failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Sent[];
}

function refused(s: Sent | undefined, reason: RegExp, what: string): void {
  assert.ok(s, what);
  assert.equal(s.status, 401, `${what}: HTTP ${s.status} ${s.raw}`);
  const answer = JSON.parse(s.raw) as unknown;
  const one = (Array.isArray(answer) ? answer[0] : answer) as { result?: number; text?: string };
  assert.equal(one.result, 1, what);
  assert.match(one.text ?? '', /^partner authentication failed: /, what);
  assert.match(one.text ?? '', reason, what);
}

function accepted(s: Sent | undefined, what: string): void {
  assert.ok(s, what);
  assert.equal(s.status, 200, `${what}: HTTP ${s.status} ${s.raw}`);
  const answer = JSON.parse(s.raw) as unknown;
  const one = (Array.isArray(answer) ? answer[0] : answer) as { result?: number };
  assert.equal(one.result, 0, `${what}: ${s.raw}`);
}

const view = (ls: KeaLease[]): string => JSON.stringify(ls.map((l) => [l['ip-address'], l['hw-address'], l.cltt, l['valid-lft']]).sort());

describe('HA partner authentication', { skip: skip ?? false }, () => {
  it('refuses unsigned, wrongly signed, stale, tampered and replayed partner messages, and they change no lease', { timeout: 120_000 }, async () => {
    const pair = await startHaPair('hot-standby', { clients: 0 });
    pairs.add(pair);
    try {
      await pair.waitNormal(30_000);
      const secret = pair.secret!;
      const target = pair.standby;
      const url = target.url;
      const X = '10.77.0.150';
      const now = Math.floor(Date.now() / 1000);

      // The test's signer agrees with the implementation's (same inputs, same headers).
      const nonce = randomBytes(16);
      assert.deepEqual(sign(secret, '{}', now, nonce.toString('hex')), { ...signPartnerRequest({ secret, method: 'POST', path: '/', body: '{}', nowSec: now, nonce }) });

      const before = { p: view(await pair.primary.srv.leases()), s: view(await target.srv.leases()) };
      const update = body('lease4-update', leaseArgs(X, now));
      const signedUpdate: Req = { url, headers: sign(secret, update, now), body: update };
      const bad = await send(pair, [
        { url, headers: {}, body: update },
        { url, headers: sign('not-the-secret-at-all', update, now), body: update },
        { url, headers: sign(secret, update, now - 300), body: update },
        { url, headers: sign(secret, update, now + 300), body: update },
        { url, headers: signedUpdate.headers, body: update.replace('mallory', 'mallorx') },
        { url, headers: { ...signedUpdate.headers, 'x-tandem-nonce': 'zz' }, body: update },
      ]);
      refused(bad[0], /missing/, 'unsigned');
      refused(bad[1], /signature/, 'wrong secret');
      refused(bad[2], /stale/, 'timestamp 300 s old');
      refused(bad[3], /stale/, 'timestamp 300 s ahead');
      refused(bad[4], /signature/, 'body changed after signing');
      refused(bad[5], /malformed/, 'malformed nonce');
      assert.equal(view(await target.srv.leases()), before.s, 'no refused message changed a lease');
      assert.equal(view(await pair.primary.srv.leases()), before.p);
      assert.match(target.srv.output(), /"id":"CTRL_AUTH_FAILED"/, 'refusals are logged');

      // Correctly signed, fresh: the update lands; then a signed delete removes it.
      const del = body('lease4-del', leaseArgs(X, now));
      const good = await send(pair, [signedUpdate]);
      accepted(good[0], 'signed lease4-update');
      assert.equal((await target.srv.leases()).find((l) => l['ip-address'] === X)?.hostname, 'mallory');
      accepted((await send(pair, [{ url, headers: sign(secret, del, Math.floor(Date.now() / 1000)), body: del }]))[0], 'signed lease4-del');
      assert.equal((await target.srv.leases()).find((l) => l['ip-address'] === X), undefined);

      // Replaying the update (same headers, same body, within the window) is refused and recreates nothing.
      refused((await send(pair, [signedUpdate]))[0], /replay/, 'replayed lease4-update');
      assert.equal((await target.srv.leases()).find((l) => l['ip-address'] === X), undefined, 'the replay changed no lease');

      // The pair itself was not disturbed.
      assert.equal((await target.haStatus()).state, normalState('hot-standby'));
      assert.equal((await pair.primary.haStatus()).state, normalState('hot-standby'));
    } finally {
      pairs.delete(pair);
      await pair.destroy();
    }
  });

  it('a partner with the wrong secret is refused and the pair never reaches the normal state', { timeout: 120_000 }, async () => {
    const pair = await startHaPair('hot-standby', { clients: 0, server2: { ha: { 'shared-secret': `wrong-${randomBytes(12).toString('hex')}` } } });
    pairs.add(pair);
    try {
      const deadline = Date.now() + 8_000;
      const normal = normalState('hot-standby');
      while (Date.now() < deadline) {
        for (const s of [pair.primary, pair.standby]) {
          const st = await s.haStatus();
          assert.notEqual(st.state, normal, `${s.name} reached ${normal} with a partner that has another secret`);
        }
        await delay(500);
      }
      for (const s of [pair.primary, pair.standby]) {
        assert.match(s.srv.output(), /"id":"CTRL_AUTH_FAILED"/, `${s.name} refused its partner's messages`);
        assert.deepEqual(await s.srv.leases(), [], `${s.name}'s store is unchanged`);
      }
    } finally {
      pairs.delete(pair);
      await pair.destroy();
    }
  });
});
