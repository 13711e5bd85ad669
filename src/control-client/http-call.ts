import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';
import { ControlClientError } from './control-client-error.ts';
import { tryParseJson } from './response.ts';

export type HttpTarget = {
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  /** PEM text or a file path: the CA that signed the server's certificate. */
  readonly ca?: string;
  /** PEM text or a file path: a client certificate and its key, for servers that require one. */
  readonly cert?: string;
  readonly key?: string;
};

const pem = (v: string): string => (v.includes('-----BEGIN') ? v : readFileSync(v, 'utf8'));

/** POSTs one command; resolves to the parsed JSON body. 401/403 become ERR_CONTROL_CLIENT_AUTH. */
export function httpCall(target: HttpTarget, body: string, timeoutMs: number): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return Promise.reject(new ControlClientError('ERR_CONTROL_CLIENT_TARGET', `not a URL: ${target.url}`));
  }
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') {
    return Promise.reject(new ControlClientError('ERR_CONTROL_CLIENT_TARGET', `unsupported URL scheme ${url.protocol} (http: or https:)`));
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    accept: 'application/json',
  };
  if (target.user !== undefined) {
    headers['authorization'] = `Basic ${Buffer.from(`${target.user}:${target.password ?? ''}`).toString('base64')}`;
  }
  const options: RequestOptions = { method: 'POST', headers, timeout: timeoutMs };
  if (https) {
    if (target.ca !== undefined) options.ca = pem(target.ca);
    if (target.cert !== undefined) options.cert = pem(target.cert);
    if (target.key !== undefined) options.key = pem(target.key);
  }
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('error', (e) => reject(new ControlClientError('ERR_CONTROL_CLIENT_CONNECT', `${url.origin}: ${e.message}`, { cause: e })));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status === 401 || status === 403) {
          reject(new ControlClientError('ERR_CONTROL_CLIENT_AUTH', target.user === undefined
            ? `${url.origin} requires credentials (HTTP ${status}): give --user and --password-file`
            : `${url.origin} refused the credentials of user '${target.user}' (HTTP ${status})`));
          return;
        }
        const parsed = tryParseJson(text);
        if (status >= 200 && status < 300 && parsed) {
          resolve(parsed.value);
          return;
        }
        const detail = parsed && typeof parsed.value === 'object' && parsed.value !== null && 'text' in parsed.value
          ? String((parsed.value as { text: unknown }).text) : text.slice(0, 200);
        reject(new ControlClientError(status >= 200 && status < 300 ? 'ERR_CONTROL_CLIENT_RESPONSE' : 'ERR_CONTROL_CLIENT_HTTP',
          `${url.origin} answered HTTP ${status}: ${detail}`));
      });
    });
    req.on('timeout', () => req.destroy(new ControlClientError('ERR_CONTROL_CLIENT_TIMEOUT', `no answer from ${url.origin} within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof ControlClientError ? e
      : new ControlClientError('ERR_CONTROL_CLIENT_CONNECT', `cannot reach ${url.origin}: ${e.code ?? e.message}`, { cause: e })));
    req.end(body);
  });
}
