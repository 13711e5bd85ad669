import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createHistogram, createMemoryLogger } from '../obs/index.ts';
import { signPartnerRequest } from '../ha/index.ts';
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

async function post(port: number, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
  return { status: r.status, json: await r.json() };
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
