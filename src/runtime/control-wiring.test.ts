import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createHistogram, createMemoryLogger } from '../obs/index.ts';
import { signPartnerRequest, verifyPartnerAnswer } from '../ha/index.ts';
import type { HaConfig, HaPeer } from '../model/index.ts';
import type { ServerApi } from '../control/index.ts';
import { startControl } from './control-wiring.ts';

const peer = (name: string, url: string, role: HaPeer['role']): HaPeer =>
  ({ name, url, role, autoFailover: true, basicAuthUser: null, basicAuthPassword: null, tls: null });

const ha = (port: number, secret: string | null = 's3cret-s3cret-s3cret'): HaConfig => ({
  thisServerName: 'server1', mode: 'hot-standby',
  peers: [peer('server1', `http://127.0.0.1:${port}/`, 'primary'), peer('server2', 'http://127.0.0.1:9/', 'standby')],
  heartbeatDelayMs: 1000, maxResponseDelayMs: 3000, maxAckDelayMs: 1000, maxUnackedClients: 0, maxRejectedLeaseUpdates: 10,
  delayedUpdatesLimit: 0, syncPageLimit: 100, syncTimeoutMs: 10000, sendLeaseUpdates: true, syncLeases: true, mcltSec: 60,
  reservePercent: 5, loadBalancePercent: 50, stateSwitchoverIntervalSec: null, sharedSecret: secret,
  clockSkewWarnSec: 30, clockSkewTerminateSec: 60,
});

/** A ServerApi stand-in good enough for version-get. */
const api = (config: { ha: HaConfig | null }) => ({ version: '0.0.0-test', config: () => config, ha: null }) as unknown as ServerApi;

async function post(port: number, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const r = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
  const text = await r.text();
  return { status: r.status, json: JSON.parse(text), text, headers: r.headers };
}

const signed = (secret: string, body: string) =>
  signPartnerRequest({ secret, method: 'POST', path: '/', body, nowSec: Date.now() / 1000, nonce: randomBytes(16) }) as unknown as Record<string, string>;

/** The answer carries the partner's signature for this request. */
function answerSigned(secret: string, request: Record<string, string>, r: { status: number; text: string; headers: Headers }): boolean {
  return verifyPartnerAnswer({ secret, requestNonce: request['x-tandem-nonce']!, status: r.status, headers: r.headers, body: r.text }).ok;
}

const freePort = async (): Promise<number> => {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
};

describe('control wiring with HA', () => {
  it('opens the HA listener on the peer url, signed; closes it when HA goes away', async () => {
    const port = await freePort();
    const log = createMemoryLogger();
    const config = ha(port);
    const wiring = await startControl(api({ ha: config }), [], log, createHistogram());
    try {
      assert.deepEqual(wiring.addresses(), [`http://127.0.0.1:${port}`]);
      const body = JSON.stringify({ command: 'version-get' });
      const headers = signPartnerRequest({ secret: config.sharedSecret!, method: 'POST', path: '/', body, nowSec: Date.now() / 1000, nonce: randomBytes(16) }) as unknown as Record<string, string>;
      const good = await post(port, body, headers);
      assert.equal(good.status, 200);
      assert.ok(answerSigned(config.sharedSecret!, headers, good), 'the answer is signed for this request');
      assert.equal((good.json as Array<{ text: string }>)[0]!.text, 'tandem 0.0.0-test');
      assert.equal((await post(port, body)).status, 401);

      // A reload with the same HA settings keeps the listener and its replay cache.
      await wiring.reconfigure([], ha(port));
      assert.equal((await post(port, body, headers)).status, 401);

      await wiring.reconfigure([], null);
      assert.deepEqual(wiring.addresses(), []);
      await assert.rejects(post(port, body, headers));
    } finally { await wiring.close(); }
  });

  it('leaves the address to a control socket that already listens there', async () => {
    const port = await freePort();
    const log = createMemoryLogger();
    const wiring = await startControl(api({ ha: ha(port) }), [{ type: 'http', address: '127.0.0.1', port, auth: null, tls: null }], log, createHistogram());
    try {
      assert.deepEqual(wiring.addresses(), [`http://127.0.0.1:${port}`]);
      assert.ok(log.lines.some((l) => l.id === 'CTRL_LISTENING' && l.fields['sharedWith'] === 'control socket'));
      assert.equal((await post(port, JSON.stringify({ command: 'version-get' }))).status, 200);
    } finally { await wiring.close(); }
  });

  it('on a control socket shared with the partner, checks the shared secret on partner traffic and signs its answers', async () => {
    const port = await freePort();
    const config = ha(port);
    const secret = config.sharedSecret!;
    const wiring = await startControl(api({ ha: config }), [{ type: 'http', address: '127.0.0.1', port, auth: null, tls: null }], createMemoryLogger(), createHistogram());
    try {
      const operator = await post(port, JSON.stringify({ command: 'version-get' }));
      assert.equal(operator.status, 200, 'operators keep the socket\'s own authentication');
      const heartbeat = JSON.stringify({ command: 'ha-heartbeat' });
      assert.equal((await post(port, heartbeat)).status, 401, 'a partner-only command must be signed');
      const h = signed(secret, heartbeat);
      const ok = await post(port, heartbeat, h);
      assert.equal(ok.status, 200);
      assert.ok(answerSigned(secret, h, ok));
      const forged = signed('not the secret', JSON.stringify({ command: 'version-get' }));
      assert.equal((await post(port, JSON.stringify({ command: 'version-get' }), forged)).status, 401, 'a signed request is checked whatever it asks');
    } finally { await wiring.close(); }
  });

  it('fails to start, closing the control sockets, when the peer url cannot be bound', async () => {
    const port = await freePort();
    const { createServer } = await import('node:net');
    const squatter = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    try {
      await assert.rejects(startControl(api({ ha: ha(port) }), [], createMemoryLogger(), createHistogram()), { code: 'ERR_CTRL_LISTENER_FAILED' });
    } finally { squatter.close(); }
  });
});
