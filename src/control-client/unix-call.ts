import { createConnection } from 'node:net';
import { ControlClientError } from './control-client-error.ts';
import { tryParseJson } from './response.ts';

/**
 * One command over a Unix stream socket, as Kea does it: one JSON object in, one JSON object out.
 * The answer is complete when it parses or when the server closes the connection.
 */
export function unixCall(path: string, body: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ path });
    let text = '';
    let done = false;
    const finish = (error: Error | null, value?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(() => finish(new ControlClientError('ERR_CONTROL_CLIENT_TIMEOUT',
      `no answer from ${path} within ${timeoutMs} ms`)), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(body));
    sock.on('data', (chunk: string) => {
      text += chunk;
      const parsed = tryParseJson(text);
      if (parsed) finish(null, parsed.value);
    });
    sock.on('end', () => {
      const parsed = tryParseJson(text);
      if (parsed) finish(null, parsed.value);
      else finish(new ControlClientError('ERR_CONTROL_CLIENT_RESPONSE',
        text === '' ? `${path} closed the connection without an answer` : `${path} sent an answer that is not JSON: ${text.slice(0, 200)}`));
    });
    sock.on('error', (e: NodeJS.ErrnoException) => finish(new ControlClientError('ERR_CONTROL_CLIENT_CONNECT',
      `cannot reach the control socket ${path}: ${e.code ?? e.message}`, { cause: e })));
  });
}
