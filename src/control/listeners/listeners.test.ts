import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMemoryLogger } from '../../obs/index.ts';
import { startControlListeners } from './index.ts';
import type { ControlListeners } from './index.ts';
import { stubApi, stubHandler } from './test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'tandem-ctl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Sends the chunks (with a pause between them) and returns what the server answered before closing. */
function unixCall(path: string, chunks: string[], pauseMs = 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let out = '';
    c.on('data', (d) => { out += d.toString(); });
    c.on('end', () => resolve(out));
    c.on('error', reject);
    c.on('connect', async () => {
      for (const chunk of chunks) {
        c.write(chunk);
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    });
  });
}

export type HttpReply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };
export function httpCall(port: number, opts: { method?: string; path?: string; body?: string; headers?: Record<string, string> } = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/',
      headers: { 'Content-Type': 'application/json', ...opts.headers },
    }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
const port = (l: ControlListeners, i: number) => Number(l.addresses()[i]!.split(':').pop());

describe('unix control socket', () => {
  const handler = stubHandler();
  const path = join(dir, 'ctl.sock');
  let listeners: ControlListeners;
  before(async () => {
    writeFileSync(path, ''); // not a socket: must be refused, not deleted
    await assert.rejects(startControlListeners(handler, stubApi(), [{ type: 'unix', path }], { log: createMemoryLogger() }), /not a socket/);
    rmSync(path);
    // A stale socket file (bound by a process that is gone, no server behind it) is removed.
    execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);
    assert.ok(statSync(path).isSocket());
    listeners = await startControlListeners(handler, stubApi(), [{ type: 'unix', path }], { log: createMemoryLogger() });
  });
  after(() => listeners.close({ drainMs: 100 }));

  it('answers one object and closes; the file has mode 0660', async () => {
    const out = await unixCall(path, ['{"command":"echo","arguments":{"a":1}}']);
    assert.deepEqual(JSON.parse(out), { result: 0, text: 'ok', arguments: { got: { command: 'echo', arguments: { a: 1 } } } });
    assert.equal(statSync(path).mode & 0o777, 0o660);
    assert.deepEqual(handler.calls.at(-1)!.ctx, { via: 'unix', user: null, remote: null });
  });
  it('accepts a request split across writes, braces inside strings included', async () => {
    const out = await unixCall(path, ['{"comm', 'and": "echo", "arguments": {"s": "}{\\"', '"}', '}']);
    assert.equal(JSON.parse(out).result, 0);
    assert.equal((handler.calls.at(-1)!.req as { arguments: { s: string } }).arguments.s, '}{"');
  });
  it('answers malformed JSON with result 1 and keeps serving', async () => {
    const n = handler.calls.length;
    const out = JSON.parse(await unixCall(path, ['{"command": echo}']));
    assert.equal(out.result, 1);
    assert.match(out.text, /^invalid JSON: /);
    assert.equal(handler.calls.length, n);
    assert.equal(JSON.parse(await unixCall(path, ['{"command":"nope"}'])).result, 2);
  });
  it('refuses a second server on a live socket', async () => {
    await assert.rejects(startControlListeners(handler, stubApi(), [{ type: 'unix', path }], { log: createMemoryLogger() }), /another server answers/);
  });
});

describe('http control API', () => {
  const handler = stubHandler();
  const log = createMemoryLogger();
  let listeners: ControlListeners;
  before(async () => {
    listeners = await startControlListeners(handler, stubApi(), [
      { type: 'http', address: '127.0.0.1', port: 0, auth: null, tls: null },
      { type: 'http', address: '127.0.0.1', port: 0, tls: null, auth: { realm: 'dhcp "lab"'.replace(/"/g, ''), clients: [{ user: 'admin', password: 'pw1' }, { user: 'ops', password: 'pw2' }] } },
    ], { log });
  });
  after(() => listeners.close({ drainMs: 100 }));

  it('answers POST / with a one-element array', async () => {
    const r = await httpCall(port(listeners, 0), { body: JSON.stringify({ command: 'echo', service: ['dhcp4'] }) });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /application\/json/);
    const body = JSON.parse(r.body);
    assert.ok(Array.isArray(body) && body.length === 1);
    assert.equal(body[0].result, 0);
    assert.equal(handler.calls.at(-1)!.ctx.via, 'http');
    assert.equal(handler.calls.at(-1)!.ctx.remote, '127.0.0.1');
  });
  it('answers malformed JSON with 400 and result 1, without calling the handler', async () => {
    const n = handler.calls.length;
    const r = await httpCall(port(listeners, 0), { body: '{"command":' });
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body)[0].text, /^invalid JSON/);
    assert.equal(handler.calls.length, n);
  });
  const refusals: Array<[string, { method?: string; path?: string; headers?: Record<string, string> }, number]> = [
    ['unknown path', { path: '/nope' }, 404],
    ['GET /', { method: 'GET' }, 405],
    ['POST /metrics', { path: '/metrics' }, 405],
    ['not JSON', { headers: { 'Content-Type': 'text/plain' } }, 415],
  ];
  for (const [name, opts, status] of refusals) {
    it(`refuses ${name} with ${status} and a JSON error`, async () => {
      const n = handler.calls.length;
      // A GET carries no body: Node's client would send it unframed, a broken request of its own.
      const r = await httpCall(port(listeners, 0), { ...opts, ...(opts.method === 'GET' ? {} : { body: '{"command":"echo"}' }) });
      assert.equal(r.status, status);
      assert.equal(JSON.parse(r.body)[0].result, 1);
      assert.equal(handler.calls.length, n);
    });
  }
  it('serves GET /metrics as Prometheus text', async () => {
    const r = await httpCall(port(listeners, 0), { method: 'GET', path: '/metrics' });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(r.body, /^tandem_up 1$/m);
  });

  const denied: Array<[string, Record<string, string>, string]> = [
    ['no credentials', {}, 'no-credentials'],
    ['a wrong password', basic('admin', 'pw2'), 'bad-credentials'],
    ['a wrong user', basic('root', 'pw1'), 'bad-credentials'],
    ['another scheme', { Authorization: 'Bearer abc' }, 'malformed'],
  ];
  for (const [name, headers, reason] of denied) {
    it(`refuses ${name} with 401 before the handler runs`, async () => {
      const n = handler.calls.length;
      for (const path of ['/', '/metrics']) {
        const r = await httpCall(port(listeners, 1), { headers, path, method: path === '/' ? 'POST' : 'GET', body: path === '/' ? '{"command":"echo"}' : '' });
        assert.equal(r.status, 401);
        assert.equal(r.headers['www-authenticate'], 'Basic realm="dhcp lab"');
        assert.deepEqual(JSON.parse(r.body), [{ result: 1, text: 'Unauthorized' }]);
      }
      assert.equal(handler.calls.length, n);
      const line = log.lines.findLast((l) => l.id === 'CTRL_AUTH_FAILED')!;
      assert.equal(line.fields['reason'], reason);
      assert.equal(line.fields['remote'], '127.0.0.1');
      assert.ok(!JSON.stringify(log.lines).includes('pw1') && !JSON.stringify(log.lines).includes('pw2'));
    });
  }
  it('lets the right credentials in, naming the user', async () => {
    const r = await httpCall(port(listeners, 1), { headers: basic('ops', 'pw2'), body: '{"command":"echo"}' });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body)[0].result, 0);
    assert.deepEqual(handler.calls.at(-1)!.ctx, { via: 'http', user: 'ops', remote: '127.0.0.1' });
  });
  it('logs where it listens', () => {
    assert.deepEqual(log.lines.filter((l) => l.id === 'CTRL_LISTENING').map((l) => l.fields['address']), listeners.addresses());
  });
});

describe('closing', () => {
  it('frees the port and the socket path so the same specs can be reopened', async () => {
    const handler = stubHandler();
    const path = join(dir, 'again.sock');
    const first = await startControlListeners(handler, stubApi(), [{ type: 'unix', path }, { type: 'http', address: '127.0.0.1', port: 0, auth: null, tls: null }], { log: createMemoryLogger() });
    const p = port(first, 1);
    await first.close();
    const second = await startControlListeners(handler, stubApi(), [{ type: 'unix', path }, { type: 'http', address: '127.0.0.1', port: p, auth: null, tls: null }], { log: createMemoryLogger() });
    assert.equal(JSON.parse(await unixCall(path, ['{"command":"echo"}'])).result, 0);
    assert.equal((await httpCall(p, { body: '{"command":"echo"}' })).status, 200);
    await second.close({ drainMs: 100 });
  });
  it('closes what it opened when a later socket fails', async () => {
    const path = join(dir, 'partial.sock');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    await assert.rejects(startControlListeners(stubHandler(), stubApi(), [{ type: 'unix', path }, { type: 'http', address: '127.0.0.1', port: taken, auth: null, tls: null }],
      { log: createMemoryLogger() }), (e: Error & { code?: string }) => e.code === 'ERR_CTRL_LISTENER_FAILED');
    assert.throws(() => statSync(path), /ENOENT/);
    blocker.close();
  });
});
