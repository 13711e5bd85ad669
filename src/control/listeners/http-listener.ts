import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ControlSocketSpec } from '../../model/index.ts';
import type { ControlResponse } from '../types.ts';
import { createBasicAuth } from './basic-auth.ts';
import { invalidJson, MAX_REQUEST_BYTES, READ_TIMEOUT_MS } from './types.ts';
import type { Listener, ListenerDeps } from './types.ts';

type HttpSpec = Extract<ControlSocketSpec, { type: 'http' | 'https' }>;

/** What the HA listener adds to a control listener (see ha-listener.ts). */
export type HttpListenerExtras = {
  /** Checks the raw request (headers and body bytes) before the body is parsed; a refusal answers 401. */
  readonly verify?: (req: { method: string; path: string; headers: IncomingMessage['headers']; body: Buffer }) =>
    { readonly ok: true } | { readonly ok: false; readonly reason: string };
  /** The user named in the call context of a verified request that had no Basic credentials. */
  readonly verifiedUser?: string;
  /**
   * Verify only requests that carry this header or name one of these commands (a control socket that
   * also serves the partner: its operators keep their own authentication); default: every request.
   */
  readonly verifyOnly?: { readonly header: string; readonly commands: ReadonlySet<string> };
  /** Headers for the answer to a verified request (the partner checks them). */
  readonly signAnswer?: (requestHeaders: IncomingMessage['headers'], status: number, body: string) => Record<string, string>;
  /** The only path commands are posted to (default `/`). */
  readonly path?: string;
  /** Serve GET /metrics (default true). */
  readonly metrics?: boolean;
  /** For logs: which listener this is (default 'control'). */
  readonly role?: string;
};

/**
 * The HTTP(S) control API, as Kea's control agent serves it: `POST /` with a JSON command, answered
 * with a one-element JSON array; `GET /metrics` for Prometheus. With authentication configured,
 * credentials are checked before the body is even read: a refused request changes nothing.
 */
export async function startHttpListener(spec: HttpSpec, deps: ListenerDeps, extras: HttpListenerExtras = {}): Promise<Listener> {
  const commandPath = extras.path ?? '/';
  const role = extras.role ?? 'control';
  const check = spec.auth === null ? null : createBasicAuth(spec.auth.clients);
  const realm = spec.auth?.realm ?? '';
  let closing = false;
  const inflight = new Set<Promise<void>>();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const work = serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, [{ result: 1, text: `internal error: ${String(error)}` }]);
      else res.destroy();
    });
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (closing) res.setHeader('Connection', 'close');
    const remote = req.socket.remoteAddress ?? null;
    const path = (req.url ?? '/').split('?')[0];
    let user: string | null = null;
    if (check !== null) {
      const outcome = check(req.headers.authorization);
      if (!outcome.ok) {
        deps.log.log('CTRL_AUTH_FAILED', { via: spec.type, remote, reason: outcome.reason, method: req.method, path });
        res.setHeader('WWW-Authenticate', `Basic realm="${realm}"`);
        req.resume();
        send(res, 401, [{ result: 1, text: 'Unauthorized' }]);
        return;
      }
      user = outcome.user;
    } else if (spec.tls !== null) {
      const cert = (req.socket as TLSSocket).getPeerCertificate?.();
      const cn = cert?.subject?.CN;
      if (typeof cn === 'string' && cn !== '') user = cn;
    }
    if (path === '/metrics' && extras.metrics !== false) {
      req.resume();
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'use GET for /metrics', 'GET, HEAD');
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : deps.metrics());
      return;
    }
    if (path !== commandPath) {
      req.resume();
      return refuse(res, 404, `no such path: ${path}; POST commands to ${commandPath}${extras.metrics === false ? '' : ' and GET /metrics'}`);
    }
    if (req.method !== 'POST') {
      req.resume();
      return refuse(res, 405, 'use POST with a JSON command', 'POST');
    }
    // A JSON content type keeps browsers from sending commands cross-site without a CORS preflight.
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      req.resume();
      return refuse(res, 415, `Content-Type must be application/json, not '${type}'`);
    }
    const body = await readBody(req);
    if (typeof body === 'string') return refuse(res, 413, body);
    let request: unknown;
    let parseError: unknown = null;
    const parse = (): void => {
      try {
        request = JSON.parse(body.toString('utf8'));
      } catch (error) {
        parseError = error;
      }
    };
    let verified = false;
    if (extras.verify !== undefined) {
      // A shared socket parses first to see whether this is partner traffic; a dedicated one
      // verifies the raw bytes before parsing anything.
      const only = extras.verifyOnly;
      if (only !== undefined) parse();
      const named = only === undefined ? null : (request as { command?: unknown } | undefined)?.command;
      const needed = only === undefined || req.headers[only.header] !== undefined || (typeof named === 'string' && only.commands.has(named));
      if (needed) {
        const verdict = extras.verify({ method: req.method ?? 'POST', path: req.url ?? '/', headers: req.headers, body });
        if (!verdict.ok) {
          deps.log.log('CTRL_AUTH_FAILED', { via: spec.type, listener: role, remote, reason: verdict.reason, method: req.method, path });
          send(res, 401, [{ result: 1, text: `partner authentication failed: ${verdict.reason}` }]);
          return;
        }
        verified = true;
        if (user === null && extras.verifiedUser !== undefined) user = extras.verifiedUser;
      }
    }
    if (request === undefined && parseError === null) parse();
    const sign = verified && extras.signAnswer !== undefined
      ? (status: number, text: string) => extras.signAnswer!(req.headers, status, text) : undefined;
    if (parseError !== null) {
      send(res, 400, [invalidJson(parseError)], sign);
      return;
    }
    const response = await deps.handler.handle(request, { via: spec.type, user, remote });
    send(res, 200, [response], sign);
  }

  function refuse(res: ServerResponse, status: number, text: string, allow?: string): void {
    deps.log.log('CTRL_REQUEST_REFUSED', { via: spec.type, status, why: text });
    if (allow !== undefined) res.setHeader('Allow', allow);
    send(res, status, [{ result: 1, text }]);
  }

  const server: Server = spec.tls === null
    ? createHttpServer({ requestTimeout: READ_TIMEOUT_MS }, onRequest)
    : createHttpsServer({
      requestTimeout: READ_TIMEOUT_MS,
      cert: await readFile(spec.tls.certFile),
      key: await readFile(spec.tls.keyFile),
      ...(spec.tls.trustAnchor !== null
        ? { ca: await readFile(spec.tls.trustAnchor), requestCert: true, rejectUnauthorized: spec.tls.certRequired }
        : {}),
    }, onRequest);
  server.headersTimeout = READ_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: spec.address, port: spec.port }, () => { server.off('error', reject); resolve(); });
  });
  const where = `${spec.type}://${hostPort(server.address() as AddressInfo)}`;
  server.on('error', (error) => deps.log.log('CTRL_LISTENER_FAILED', { address: where, error: String(error) }));
  server.on('tlsClientError', (error, socket) => {
    deps.log.log('CTRL_AUTH_FAILED', { via: 'https', remote: socket.remoteAddress ?? null, reason: 'tls', error: error.message });
  });
  let closed: Promise<void> | null = null;
  return {
    address: where,
    close(options = {}) {
      closed ??= (async () => {
        closing = true;
        server.close();
        server.closeIdleConnections();
        if (options.drainMs !== undefined) {
          await Promise.race([Promise.allSettled([...inflight]), delay(options.drainMs)]);
          server.closeAllConnections();
        }
      })();
      return closed;
    },
  };
}

function send(res: ServerResponse, status: number, body: ControlResponse[], sign?: (status: number, text: string) => Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...sign?.(status, text) });
  res.end(text);
}

/** The body, or a message saying why it was refused. */
function readBody(req: IncomingMessage): Promise<Buffer | string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_BYTES) {
    req.resume();
    return Promise.resolve(`request larger than ${MAX_REQUEST_BYTES} bytes`);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(`request larger than ${MAX_REQUEST_BYTES} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function hostPort(a: AddressInfo): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
