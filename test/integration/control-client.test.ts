// The control client over real local sockets (a Unix socket in a temp dir and HTTP on 127.0.0.1):
// split answers, Kea's one-element arrays, basic auth and the errors a caller sees.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer } from 'node:net';
import type { Server as NetServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControlClient, ControlClientError } from '../../src/control-client/index.ts';

describe('control client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-cc-'));
  const sock = join(dir, 'ctrl.sock');
  let unix: NetServer;
  let http: HttpServer;
  let url = '';
  const seen: string[] = [];

  before(async () => {
    unix = createNetServer((c) => {
      let text = '';
      c.setEncoding('utf8');
      c.on('data', (d: string) => {
        text += d;
        let req: { command: string };
        try { req = JSON.parse(text) as { command: string }; } catch { return; }
        seen.push(text);
        if (req.command === 'silent') return; // never answers
        if (req.command === 'garbage') { c.end('not json'); return; }
        const answer = JSON.stringify({ result: 0, text: `did ${req.command}`, arguments: { n: 1 } });
        c.write(answer.slice(0, 10));
        setTimeout(() => c.end(answer.slice(10)), 20); // an answer split across reads
      });
    });
    await new Promise<void>((r) => unix.listen(sock, r));
    http = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push(body);
        if (req.headers.authorization !== `Basic ${Buffer.from('admin:pw').toString('base64')}`) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="tandem"', 'content-type': 'application/json' });
          res.end(JSON.stringify({ result: 401, text: 'Unauthorized' }));
          return;
        }
        const { command } = JSON.parse(body) as { command: string };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify([{ result: command === 'nope' ? 2 : 0, text: `did ${command}` }]));
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await new Promise((r) => unix.close(r));
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('unix: sends one object and reads an answer split across reads', async () => {
    const r = await createControlClient({ socket: sock }).call('lease4-get', { 'ip-address': '10.0.0.1' });
    assert.deepEqual(r, { result: 0, text: 'did lease4-get', arguments: { n: 1 } });
    assert.deepEqual(JSON.parse(seen.at(-1) ?? ''), { command: 'lease4-get', arguments: { 'ip-address': '10.0.0.1' } });
  });

  it('unix: errors carry codes (missing socket, timeout, garbage)', async () => {
    const codeOf = async (p: Promise<unknown>) => {
      try { await p; } catch (e) { assert.ok(e instanceof ControlClientError); return e.code; }
      return 'resolved';
    };
    assert.equal(await codeOf(createControlClient({ socket: join(dir, 'none.sock') }).call('x')), 'ERR_CONTROL_CLIENT_CONNECT');
    assert.equal(await codeOf(createControlClient({ socket: sock }, { timeoutMs: 200 }).call('silent')), 'ERR_CONTROL_CLIENT_TIMEOUT');
    assert.equal(await codeOf(createControlClient({ socket: sock }).call('garbage')), 'ERR_CONTROL_CLIENT_RESPONSE');
  });

  it('http: POSTs with service dhcp4 and basic auth, unwraps the one-element array', async () => {
    const r = await createControlClient({ url, user: 'admin', password: 'pw' }).call('status-get');
    assert.deepEqual(r, { result: 0, text: 'did status-get' });
    assert.deepEqual(JSON.parse(seen.at(-1) ?? ''), { command: 'status-get', service: ['dhcp4'] });
    assert.equal((await createControlClient({ url, user: 'admin', password: 'pw' }).call('nope')).result, 2);
  });

  it('http: 401 is a clear ERR_CONTROL_CLIENT_AUTH, with or without credentials', async () => {
    await assert.rejects(createControlClient({ url }).call('status-get'),
      (e: ControlClientError) => e.code === 'ERR_CONTROL_CLIENT_AUTH' && /requires credentials \(HTTP 401\)/.test(e.message));
    await assert.rejects(createControlClient({ url, user: 'admin', password: 'wrong' }).call('status-get'),
      (e: ControlClientError) => e.code === 'ERR_CONTROL_CLIENT_AUTH' && /refused the credentials of user 'admin'/.test(e.message));
  });

  it('http: a refused connection and a bad URL', async () => {
    await assert.rejects(createControlClient({ url: 'http://127.0.0.1:1/' }).call('x'), { code: 'ERR_CONTROL_CLIENT_CONNECT' });
    await assert.rejects(createControlClient({ url: 'ftp://x/' }).call('x'), { code: 'ERR_CONTROL_CLIENT_TARGET' });
  });
});
