import { chmod, lstat, unlink } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import type { Socket } from 'node:net';
import type { ControlResponse } from '../types.ts';
import { JsonCompleteness } from './json-complete.ts';
import { invalidJson, MAX_REQUEST_BYTES, READ_TIMEOUT_MS } from './types.ts';
import type { Listener, ListenerDeps } from './types.ts';

export class ListenerError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ListenerError';
    this.code = code;
  }
}

/**
 * Kea's Unix control socket: one JSON command per connection, one JSON answer, then the server
 * closes. A request may arrive in several reads; it is parsed when complete. Access is governed by
 * the socket file's permissions (0660).
 */
export async function startUnixListener(path: string, deps: ListenerDeps): Promise<Listener> {
  await removeStaleSocket(path);
  const sockets = new Set<Socket>();
  const pending = new Set<Promise<void>>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const work = serveConnection(socket, deps);
    pending.add(work);
    void work.finally(() => pending.delete(work));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => { server.off('error', reject); resolve(); });
  });
  server.on('error', (error) => deps.log.log('CTRL_LISTENER_FAILED', { address: `unix:${path}`, error: String(error) }));
  await chmod(path, 0o660);
  let closed: Promise<void> | null = null;
  return {
    address: `unix:${path}`,
    close(options = {}) {
      closed ??= (async () => {
        server.close();
        await unlink(path).catch(() => undefined);
        if (options.drainMs !== undefined) {
          await Promise.race([Promise.allSettled([...pending]), delay(options.drainMs)]);
          for (const s of sockets) s.destroy();
        }
      })();
      return closed;
    },
  };
}

async function serveConnection(socket: Socket, deps: ListenerDeps): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  const scan = new JsonCompleteness();
  const body = await new Promise<Buffer | ControlResponse | null>((resolve) => {
    const timer = setTimeout(() => resolve({ result: 1, text: `no complete request within ${READ_TIMEOUT_MS / 1000} s` }), READ_TIMEOUT_MS);
    const finish = (v: Buffer | ControlResponse | null) => {
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(v);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        finish({ result: 1, text: `request larger than ${MAX_REQUEST_BYTES} bytes` });
        return;
      }
      chunks.push(chunk);
      if (scan.feed(chunk)) finish(Buffer.concat(chunks));
    };
    socket.on('data', onData);
    socket.once('end', () => finish(size === 0 ? null : Buffer.concat(chunks)));
    socket.once('error', () => finish(null));
    socket.once('close', () => finish(null));
  });
  if (body === null) {
    socket.destroy();
    return;
  }
  let response: ControlResponse;
  if (Buffer.isBuffer(body)) {
    let request: unknown;
    try {
      request = JSON.parse(body.toString('utf8'));
      response = await deps.handler.handle(request, { via: 'unix', user: null, remote: null });
    } catch (error) {
      response = request === undefined ? invalidJson(error) : { result: 1, text: `internal error: ${String(error)}` };
    }
  } else {
    response = body;
    deps.log.log('CTRL_REQUEST_REFUSED', { via: 'unix', why: body.text });
  }
  if (socket.destroyed) return;
  await new Promise<void>((resolve) => socket.end(JSON.stringify(response), () => resolve()));
}

/**
 * A socket file left by a dead process is removed; one a live server answers on is not (that is
 * another instance), and neither is anything that is not a socket.
 */
async function removeStaleSocket(path: string): Promise<void> {
  const st = await lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (st === null) return;
  if (!st.isSocket()) throw new ListenerError('ERR_CTRL_SOCKET_PATH', `${path} exists and is not a socket; refusing to replace it`);
  const live = await new Promise<boolean>((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
  if (live) throw new ListenerError('ERR_CTRL_SOCKET_IN_USE', `another server answers on ${path}`);
  await unlink(path);
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
