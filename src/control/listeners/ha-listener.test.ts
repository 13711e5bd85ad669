import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createMemoryLogger } from '../../obs/index.ts';
import { signPartnerRequest } from '../../ha/index.ts';
import type { HaConfig, HaPeer } from '../../model/index.ts';
import type { Clock } from '../../util/index.ts';
import { controlSocketServes, haListenerSpec, startHaListener } from './ha-listener.ts';
import type { Listener } from './types.ts';
import { stubHandler } from './test-support.ts';

const peer = (name: string, url: string, role: HaPeer['role'], extra: Partial<HaPeer> = {}): HaPeer => ({
  name, url, role, autoFailover: true, basicAuthUser: null, basicAuthPassword: null, tls: null, ...extra,
});

function haConfig(over: Partial<HaConfig> = {}, me: Partial<HaPeer> = {}): HaConfig {
  return {
    thisServerName: 'server1', mode: 'hot-standby',
    peers: [peer('server1', 'http://127.0.0.1:0/', 'primary', me), peer('server2', 'http://127.0.0.1:9/', 'standby')],
    heartbeatDelayMs: 1000, maxResponseDelayMs: 3000, maxAckDelayMs: 1000, maxUnackedClients: 0, maxRejectedLeaseUpdates: 10,
    delayedUpdatesLimit: 0, syncPageLimit: 100, syncTimeoutMs: 10000, sendLeaseUpdates: true, syncLeases: true, mcltSec: 60,
    reservePercent: 5, loadBalancePercent: 50, stateSwitchoverIntervalSec: null, sharedSecret: 'correct horse battery staple',
    clockSkewWarnSec: 30, clockSkewTerminateSec: 60, tls: null, ...over,
  };
}

/** A clock the test moves (epoch seconds). */
const clockAt = (t: { now: number }): Clock => ({ now: () => t.now }) as Clock;

type Reply = { status: number; body: string };
function httpCall(port: number, opts: { method?: string; path?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/', headers: { 'Content-Type': 'application/json', ...opts.headers } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const portOf = (l: Listener) => Number(l.address.split(':').pop());
const body = JSON.stringify({ command: 'echo', service: ['dhcp4'], arguments: { x: 1 } });
const sign = (secret: string, nowSec: number, text = body, path = '/') =>
  signPartnerRequest({ secret, method: 'POST', path, body: text, nowSec, nonce: randomBytes(16) }) as unknown as Record<string, string>;

describe('HA listener with a shared secret', () => {
  const handler = stubHandler();
  const log = createMemoryLogger();
  const time = { now: 1_800_000_000 };
  const secret = 'correct horse battery staple';
  let listener: Listener;
  before(async () => { listener = await startHaListener(handler, haConfig(), { log, clock: clockAt(time), haCommands: [] }); });
  after(() => listener.close({ drainMs: 100 }));

  it('accepts a signed request and names the partner as the user', async () => {
    const r = await httpCall(portOf(listener), { body, headers: sign(secret, time.now) });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body)[0].result, 0);
    assert.equal(handler.calls.at(-1)!.ctx.user, 'ha-partner');
  });

  const refused: Array<[string, () => { headers: Record<string, string>; body?: string }, string]> = [
    ['no signature', () => ({ headers: {} }), 'missing-headers'],
    ['a wrong secret', () => ({ headers: sign('wrong secret', time.now) }), 'bad-signature'],
    ['a body changed after signing', () => ({ headers: sign(secret, time.now), body: body.replace('"x":1', '"x":2') }), 'bad-signature'],
    ['a stale timestamp', () => ({ headers: sign(secret, time.now - 120) }), 'stale'],
    ['a malformed signature', () => ({ headers: { ...sign(secret, time.now), 'x-tandem-signature': 'zz' } }), 'malformed-headers'],
  ];
  for (const [name, make, reason] of refused) {
    it(`refuses ${name} with 401 before any command runs`, async () => {
      const n = handler.calls.length;
      const m = make();
      const r = await httpCall(portOf(listener), { body: m.body ?? body, headers: m.headers });
      assert.equal(r.status, 401);
      assert.deepEqual(JSON.parse(r.body), [{ result: 1, text: `partner authentication failed: ${reason}` }]);
      assert.equal(handler.calls.length, n);
      const line = log.lines.findLast((l) => l.id === 'CTRL_AUTH_FAILED')!;
      assert.equal(line.fields['reason'], reason);
      assert.equal(line.fields['listener'], 'ha');
      assert.ok(!JSON.stringify(log.lines).includes(secret));
    });
  }

  it('refuses a replayed request (same signature, same nonce) the second time', async () => {
    const headers = sign(secret, time.now);
    assert.equal((await httpCall(portOf(listener), { body, headers })).status, 200);
    const n = handler.calls.length;
    const again = await httpCall(portOf(listener), { body, headers });
    assert.equal(again.status, 401);
    assert.equal(JSON.parse(again.body)[0].text, 'partner authentication failed: replayed');
    assert.equal(handler.calls.length, n);
  });

  it('does not serve /metrics', async () => {
    const r = await httpCall(portOf(listener), { method: 'GET', path: '/metrics' });
    assert.equal(r.status, 404);
  });
});

describe('HA listener options', () => {
  it('without a secret accepts unsigned requests', async () => {
    const handler = stubHandler();
    const l = await startHaListener(handler, haConfig({ sharedSecret: null }), { log: createMemoryLogger(), clock: clockAt({ now: 0 }), haCommands: [] });
    try {
      const r = await httpCall(portOf(l), { body });
      assert.equal(r.status, 200);
      assert.equal(handler.calls.at(-1)!.ctx.user, null);
    } finally { await l.close(); }
  });

  it('with restrict-commands accepts only HA and read-only commands', async () => {
    const handler = stubHandler();
    const log = createMemoryLogger();
    const l = await startHaListener(handler, haConfig({ sharedSecret: null, restrictCommands: true }), { log, clock: clockAt({ now: 0 }), haCommands: ['echo'] });
    try {
      const post = (command: string) => httpCall(portOf(l), { body: JSON.stringify({ command }) });
      assert.equal(JSON.parse((await post('echo')).body)[0].result, 0);
      assert.equal(JSON.parse((await post('status-get')).body)[0].result, 2); // reached the stub, which knows only echo
      const n = handler.calls.length;
      const refused = JSON.parse((await post('config-set')).body)[0];
      assert.equal(refused.result, 2);
      assert.match(refused.text, /not allowed on the HA listener/);
      assert.equal(handler.calls.length, n);
      assert.ok(log.lines.some((x) => x.id === 'CTRL_REQUEST_REFUSED' && x.fields['command'] === 'config-set'));
    } finally { await l.close(); }
  });

  it('asks for the Basic credentials of its own peer entry when it has them', async () => {
    const handler = stubHandler();
    const l = await startHaListener(handler, haConfig({ sharedSecret: null }, { basicAuthUser: 'ha', basicAuthPassword: 'pw' }),
      { log: createMemoryLogger(), clock: clockAt({ now: 0 }), haCommands: [] });
    try {
      assert.equal((await httpCall(portOf(l), { body })).status, 401);
      const ok = await httpCall(portOf(l), { body, headers: { Authorization: `Basic ${Buffer.from('ha:pw').toString('base64')}` } });
      assert.equal(ok.status, 200);
      assert.equal(handler.calls.at(-1)!.ctx.user, 'ha');
    } finally { await l.close(); }
  });
});

describe('haListenerSpec / controlSocketServes', () => {
  it('reads this server\'s url, IPv6 included, with TLS from the relationship', () => {
    const tls = { trustAnchor: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' };
    const { spec, path } = haListenerSpec(haConfig({ tls, requireClientCerts: false }, { url: 'https://[2001:db8::2]:8443/' }));
    assert.deepEqual(spec, {
      type: 'https', address: '2001:db8::2', port: 8443, auth: null,
      tls: { certFile: '/c.pem', keyFile: '/k.pem', trustAnchor: '/ca.pem', certRequired: false },
    });
    assert.equal(path, '/');
  });

  it('sees a control socket on the same address, or on a wildcard with the same port', () => {
    const ha = haConfig({}, { url: 'http://10.99.0.1:8001/' });
    const http = (address: string, port: number) => ({ type: 'http' as const, address, port, auth: null, tls: null });
    assert.equal(controlSocketServes(ha, [http('10.99.0.1', 8001)]), true);
    assert.equal(controlSocketServes(ha, [http('0.0.0.0', 8001)]), true);
    assert.equal(controlSocketServes(ha, [http('10.99.0.1', 8000), { type: 'unix', path: '/x' }]), false);
  });
});
