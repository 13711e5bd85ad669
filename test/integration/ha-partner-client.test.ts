// The partner client against a tiny HA listener on loopback: signed requests verify, Basic
// credentials are sent, refusals and timeouts come back as values with stable codes.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/util/index.ts';
import type { HaPeer } from '../../src/model/index.ts';
import { PARTNER_AUTH_HEADERS, buildAnswer, createPartnerClient, createPartnerVerifier, haHeartbeat, signPartnerAnswer } from '../../src/ha/index.ts';

const SECRET = 'correct horse battery staple';
/** ok: a signed answer; unsigned: none; replay: the first signed answer again, for every later request. */
type Mode = 'ok' | 'hang' | 'garbage' | 'unsigned' | 'replay';
let mode: Mode = 'ok';
const seen: Array<{ auth: string | undefined; body: string }> = [];
const verifier = createPartnerVerifier({ secret: SECRET, clock: systemClock });
let firstAnswer: { headers: Record<string, string>; body: string } | null = null;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ auth: req.headers.authorization, body });
    if (mode === 'hang') return;
    if (mode === 'garbage') { res.end('not json'); return; }
    const v = verifier.verify({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    if (!v.ok) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(buildAnswer(1, `partner authentication failed: ${v.reason}`)));
      return;
    }
    const text = JSON.stringify(buildAnswer(0, 'HA peer status returned.', { state: 'ready' }));
    const signed = { ...signPartnerAnswer({ secret: SECRET, requestNonce: String(req.headers[PARTNER_AUTH_HEADERS.NONCE]), status: 200, body: text, nowSec: Date.now() / 1000 }) };
    firstAnswer ??= { headers: signed, body: text };
    const sent = mode === 'replay' ? firstAnswer : { headers: mode === 'unsigned' ? {} : signed, body: text };
    res.writeHead(200, { 'content-type': 'application/json', ...sent.headers });
    res.end(sent.body);
  });
});

async function url(): Promise<string> {
  if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const peer = (u: string, user: string | null = null): HaPeer =>
  ({ name: 'server2', url: u, role: 'standby', autoFailover: true, basicAuthUser: user, basicAuthPassword: user === null ? null : 'pw' });

after(() => { server.closeAllConnections(); server.close(); });

describe('partner client', () => {
  it('signs with the shared secret and sends Basic credentials', async () => {
    mode = 'ok';
    const c = createPartnerClient({ peer: peer(await url(), 'ha'), sharedSecret: SECRET, clock: systemClock });
    const r = await c.send(haHeartbeat.build({ serverName: 'server1' }));
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.answer.result, 0);
    assert.deepEqual(r.answer.arguments, { state: 'ready' });
    assert.equal(seen.at(-1)!.auth, `Basic ${Buffer.from('ha:pw').toString('base64')}`);
    assert.equal(JSON.parse(seen.at(-1)!.body).command, 'ha-heartbeat');
    c.close();
  });

  it('reports a refusal (wrong or missing secret) as ERR_HA_PARTNER_HTTP with the reason', async () => {
    mode = 'ok';
    for (const secret of ['wrong secret', null]) {
      const c = createPartnerClient({ peer: peer(await url()), sharedSecret: secret, clock: systemClock });
      const r = await c.send(haHeartbeat.build({ serverName: 'server1' }));
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.code === 'ERR_HA_PARTNER_HTTP' && r.status === 401);
      assert.match(!r.ok ? r.error : '', /partner authentication failed: (bad-signature|missing-headers)/);
      c.close();
    }
  });

  it('refuses an answer without the partner\'s signature, or one signed for another request (ERR_HA_PARTNER_UNSIGNED)', async () => {
    const c = createPartnerClient({ peer: peer(await url()), sharedSecret: SECRET, clock: systemClock });
    mode = 'ok';
    assert.ok((await c.send(haHeartbeat.build({ serverName: 'server1' }))).ok);
    for (const m of ['unsigned', 'replay'] as const) {
      mode = m;
      const r = await c.send(haHeartbeat.build({ serverName: 'server1' }));
      assert.ok(!r.ok && r.code === 'ERR_HA_PARTNER_UNSIGNED', `${m}: ${JSON.stringify(r)}`);
    }
    mode = 'ok';
    c.close();
  });

  it('times out, reads a bad answer and an unreachable partner as values', async () => {
    const u = await url();
    const c = createPartnerClient({ peer: peer(u), sharedSecret: null, clock: systemClock, timeoutMs: 200 });
    mode = 'hang';
    const t = await c.send(haHeartbeat.build({ serverName: 'server1' }));
    assert.ok(!t.ok && t.code === 'ERR_HA_PARTNER_TIMEOUT');
    mode = 'garbage';
    const g = await c.send(haHeartbeat.build({ serverName: 'server1' }));
    assert.ok(!g.ok && g.code === 'ERR_HA_PARTNER_BAD_ANSWER');
    c.close();
    const closed = await c.send(haHeartbeat.build({ serverName: 'server1' }));
    assert.ok(!closed.ok && closed.code === 'ERR_HA_PARTNER_UNREACHABLE');
    // A port nobody listens on (the listener's port, once closed, is refused at once on loopback).
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const d = createPartnerClient({ peer: peer(`http://127.0.0.1:${port}/`), sharedSecret: null, clock: systemClock });
    const refused = await d.send(haHeartbeat.build({ serverName: 'server1' }));
    assert.ok(!refused.ok && refused.code === 'ERR_HA_PARTNER_UNREACHABLE');
    d.close();
  });
});
