import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../util/index.ts';
import type { HaPeer, HaTls } from '../model/index.ts';
import { PARTNER_AUTH_HEADERS, signPartnerRequest, verifyPartnerAnswer } from './auth.ts';
import { parseAnswer } from './commands.ts';
import type { CommandJson, KeaAnswer } from './commands.ts';

/**
 * The only HTTP(S)-to-partner I/O (STYLE §1): POSTs one Kea-shaped command to the partner's url,
 * signed with the shared secret (auth.ts) and/or with Basic credentials, and reads Kea's answer.
 * A failure is a value (`ok: false` with a stable code), never an exception (R10).
 */
export type PartnerFailureCode =
  | 'ERR_HA_PARTNER_UNREACHABLE'  // connect refused/reset, DNS-less IP unreachable, or the client is closed
  | 'ERR_HA_PARTNER_TIMEOUT'      // no complete answer within the timeout
  | 'ERR_HA_PARTNER_HTTP'         // an HTTP status other than 200 (401: authentication refused)
  | 'ERR_HA_PARTNER_BAD_ANSWER'   // the body is not a Kea answer
  | 'ERR_HA_PARTNER_UNSIGNED';    // with shared-secret: the answer lacks a valid signature for this request

export type PartnerResult =
  | { readonly ok: true; readonly answer: KeaAnswer; readonly rttMs: number }
  | { readonly ok: false; readonly code: PartnerFailureCode; readonly error: string; readonly status?: number };

export type PartnerClient = {
  /** Sends one command; `timeoutMs` overrides the client's default (10 s). */
  send(command: CommandJson, opts?: { readonly timeoutMs?: number }): Promise<PartnerResult>;
  /** Aborts requests in flight (they resolve as unreachable) and frees pooled connections. */
  close(): void;
};

export type PartnerClientOptions = {
  /** The partner's peers[] entry: url, Basic credentials, TLS trio in effect. */
  readonly peer: HaPeer;
  readonly sharedSecret: string | null;
  readonly clock: Clock;
  readonly timeoutMs?: number;
  /** Kea's answer for HTTP bodies larger than this is refused (a sync page of 10 000 leases is ~4 MB). */
  readonly maxAnswerBytes?: number;
  /** Injected randomness for the nonce; crypto.randomBytes by default. */
  readonly random?: (n: number) => Uint8Array;
};

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_ANSWER = 64 * 1024 * 1024;

function readPem(path: string): Buffer | Buffer[] {
  if (statSync(path).isDirectory()) {
    return readdirSync(path).filter((f) => /\.(pem|crt|cer)$/i.test(f)).sort().map((f) => readFileSync(join(path, f)));
  }
  return readFileSync(path);
}

function tlsOptions(tls: HaTls): { ca: Buffer | Buffer[]; cert: Buffer; key: Buffer } {
  return { ca: readPem(tls.trustAnchor), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
}

export function createPartnerClient(opts: PartnerClientOptions): PartnerClient {
  const url = new URL(opts.peer.url);
  const https = url.protocol === 'https:';
  const tls = https && opts.peer.tls != null ? tlsOptions(opts.peer.tls) : null;
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 8, ...(tls ?? {}) })
    : new HttpAgent({ keepAlive: true, maxSockets: 8 });
  const path = `${url.pathname}${url.search}` || '/';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const requestFn = https ? httpsRequest : httpRequest;
  const auth = opts.peer.basicAuthUser !== null
    ? `Basic ${Buffer.from(`${opts.peer.basicAuthUser}:${opts.peer.basicAuthPassword ?? ''}`).toString('base64')}`
    : null;
  const random = opts.random ?? ((n: number) => randomBytes(n));
  const maxAnswer = opts.maxAnswerBytes ?? DEFAULT_MAX_ANSWER;
  const inflight = new Set<() => void>();
  let closed = false;

  function send(command: CommandJson, sendOpts: { readonly timeoutMs?: number } = {}): Promise<PartnerResult> {
    if (closed) return Promise.resolve({ ok: false, code: 'ERR_HA_PARTNER_UNREACHABLE', error: 'partner client is closed' });
    const body = JSON.stringify(command);
    const payload = Buffer.from(body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(payload.length),
    };
    if (auth !== null) headers['authorization'] = auth;
    if (opts.sharedSecret !== null) {
      Object.assign(headers, signPartnerRequest({
        secret: opts.sharedSecret, method: 'POST', path, body, nowSec: opts.clock.now(), nonce: random(16),
      }));
    }
    const timeoutMs = sendOpts.timeoutMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const started = opts.clock.monotonicMs();
    return new Promise<PartnerResult>((resolve) => {
      let done = false;
      const finish = (r: PartnerResult): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        inflight.delete(abort);
        resolve(r);
      };
      const req = requestFn({
        host, port: url.port, path, method: 'POST', headers, agent,
      }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxAnswer) {
            res.destroy();
            finish({ ok: false, code: 'ERR_HA_PARTNER_BAD_ANSWER', error: `answer larger than ${maxAnswer} bytes` });
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e) => finish({ ok: false, code: 'ERR_HA_PARTNER_UNREACHABLE', error: e.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const parsed = parseAnswer(text);
          if (res.statusCode !== 200) {
            const why = parsed.ok ? parsed.value.text : text.slice(0, 200);
            finish({ ok: false, code: 'ERR_HA_PARTNER_HTTP', status: res.statusCode ?? 0, error: `HTTP ${res.statusCode}: ${why}` });
            return;
          }
          if (opts.sharedSecret !== null) {
            // An answer not signed for this very request could be forged or replayed: it acks nothing.
            const verdict = verifyPartnerAnswer({
              secret: opts.sharedSecret, requestNonce: headers[PARTNER_AUTH_HEADERS.NONCE]!, status: res.statusCode, headers: res.headers, body: text,
            });
            if (!verdict.ok) {
              finish({ ok: false, code: 'ERR_HA_PARTNER_UNSIGNED', error: `the answer is not signed with the shared secret (${verdict.reason})` });
              return;
            }
          }
          if (!parsed.ok) {
            finish({ ok: false, code: 'ERR_HA_PARTNER_BAD_ANSWER', error: `${parsed.problem.path || 'answer'}: ${parsed.problem.message}` });
            return;
          }
          finish({ ok: true, answer: parsed.value, rttMs: opts.clock.monotonicMs() - started });
        });
      });
      const abort = (): void => {
        req.destroy();
        finish({ ok: false, code: 'ERR_HA_PARTNER_UNREACHABLE', error: 'partner client closed' });
      };
      inflight.add(abort);
      const timer = setTimeout(() => {
        req.destroy();
        finish({ ok: false, code: 'ERR_HA_PARTNER_TIMEOUT', error: `no answer within ${timeoutMs} ms` });
      }, timeoutMs);
      timer.unref();
      req.on('error', (e) => finish({ ok: false, code: 'ERR_HA_PARTNER_UNREACHABLE', error: e.message }));
      req.end(payload);
    });
  }

  return {
    send,
    close() {
      closed = true;
      for (const abort of [...inflight]) abort();
      agent.destroy();
    },
  };
}
