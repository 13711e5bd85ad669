import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMemoryLogger } from '../../obs/index.ts';
import { startControlListeners } from './index.ts';
import type { ControlListeners } from './index.ts';
import { stubApi, stubHandler } from './test-support.ts';

// A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl.
const dir = mkdtempSync(join(tmpdir(), 'tandem-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);
const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
function makePki(): void {
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=tandem test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
  for (const [name, cn, ext] of [['server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1'], ['client', 'ops-client', 'extendedKeyUsage=clientAuth']] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`));
    writeFileSync(f(`${name}.ext`), `${ext}\n`);
    ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2',
      '-extfile', f(`${name}.ext`), '-out', f(`${name}.pem`));
  }
}

function call(port: number, withCert: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: '/', ca: readFileSync(f('ca.pem')), agent: false,
      headers: { 'Content-Type': 'application/json' },
      ...(withCert ? { cert: readFileSync(f('client.pem')), key: readFileSync(f('client.key')) } : {}),
    }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end('{"command":"echo"}');
  });
}

describe('https control API', () => {
  const handler = stubHandler();
  const log = createMemoryLogger();
  let listeners: ControlListeners;
  const port = (i: number) => Number(listeners.addresses()[i]!.split(':').pop());
  before(async () => {
    makePki();
    const tls = { certFile: f('server.pem'), keyFile: f('server.key') };
    listeners = await startControlListeners(handler, stubApi(), [
      { type: 'https', address: '127.0.0.1', port: 0, auth: null, tls: { ...tls, trustAnchor: null, certRequired: false } },
      { type: 'https', address: '127.0.0.1', port: 0, auth: null, tls: { ...tls, trustAnchor: f('ca.pem'), certRequired: true } },
    ], { log });
  });
  after(() => listeners.close({ drainMs: 100 }));

  it('serves over TLS', async () => {
    const r = await call(port(0), false);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body)[0].result, 0);
    assert.equal(handler.calls.at(-1)!.ctx.via, 'https');
  });
  it('refuses a client without a certificate when one is required, before the handler runs', async () => {
    const n = handler.calls.length;
    await assert.rejects(call(port(1), false));
    assert.equal(handler.calls.length, n);
  });
  it('accepts a client certificate signed by the trust anchor and names its CN as the user', async () => {
    const r = await call(port(1), true);
    assert.equal(r.status, 200);
    assert.equal(handler.calls.at(-1)!.ctx.user, 'ops-client');
  });
});
