import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../util/index.ts';

/**
 * Partner message authentication with the relationship's shared secret (DESIGN invariant 5).
 * HMAC-SHA256 (as MS-DHCPF 2.2 recommends for Windows failover) over a canonical string of the
 * method, path, timestamp, nonce and the SHA-256 of the body, sent in three headers. The verifier
 * refuses a bad signature (timing-safe comparison), a timestamp outside ±window, and a nonce it has
 * already accepted within the window.
 */
export const PARTNER_AUTH_HEADERS = {
  TIMESTAMP: 'x-tandem-timestamp',
  NONCE: 'x-tandem-nonce',
  SIGNATURE: 'x-tandem-signature',
} as const;

const SCHEME = 'tandem-ha-v1';
const NONCE_RE = /^[0-9a-f]{32}$/;
const SIGNATURE_RE = /^[0-9a-f]{64}$/;
const TIMESTAMP_RE = /^\d{1,12}$/;

export type PartnerAuthHeaders = {
  readonly 'x-tandem-timestamp': string;
  readonly 'x-tandem-nonce': string;
  readonly 'x-tandem-signature': string;
};

export type SignInput = {
  readonly secret: string;
  readonly method: string;
  /** The request target path, e.g. `/`. */
  readonly path: string;
  readonly body: string | Uint8Array;
  /** Seconds since the epoch (the clock is injected by the caller). */
  readonly nowSec: number;
  /** 16 random bytes; the caller injects randomness (crypto.randomBytes(16) in production). */
  readonly nonce: Uint8Array;
};

function canonical(method: string, path: string, timestamp: string, nonce: string, body: string | Uint8Array): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return `${SCHEME}\n${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${bodyHash}`;
}

function mac(secret: string, text: string): Buffer {
  return createHmac('sha256', secret).update(text).digest();
}

/** The headers to add to a partner request. */
export function signPartnerRequest(input: SignInput): PartnerAuthHeaders {
  if (input.nonce.length !== 16) throw new RangeError('nonce: expected 16 bytes');
  const timestamp = String(Math.floor(input.nowSec));
  const nonce = Buffer.from(input.nonce).toString('hex');
  const signature = mac(input.secret, canonical(input.method, input.path, timestamp, nonce, input.body)).toString('hex');
  return { 'x-tandem-timestamp': timestamp, 'x-tandem-nonce': nonce, 'x-tandem-signature': signature };
}

export type VerifyFailure = 'missing-headers' | 'malformed-headers' | 'bad-signature' | 'stale' | 'replayed' | 'replay-cache-full';

export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly reason: VerifyFailure };

/** Headers as node's IncomingHttpHeaders (lower-case keys) or a WHATWG Headers object. */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

export type VerifyInput = {
  readonly method: string;
  readonly path: string;
  readonly headers: HeaderSource;
  readonly body: string | Uint8Array;
};

export type PartnerVerifier = { verify(request: VerifyInput): VerifyResult };

export type PartnerVerifierOptions = {
  readonly secret: string;
  readonly clock: Clock;
  /** Accepted clock difference either way, seconds; default 30 (the clock-skew warning level). */
  readonly windowSec?: number;
  /** Nonces remembered at most; default 100 000. When full of live nonces, requests are refused. */
  readonly maxNonces?: number;
};

function header(h: HeaderSource, name: string): string | undefined {
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (h as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : (v as string | undefined);
}

export function createPartnerVerifier(opts: PartnerVerifierOptions): PartnerVerifier {
  const windowSec = opts.windowSec ?? 30;
  const maxNonces = opts.maxNonces ?? 100_000;
  // nonce → the time (s) after which it can no longer be replayed (its timestamp left the window).
  const seen = new Map<string, number>();

  const evict = (nowSec: number): void => {
    for (const [nonce, until] of seen) {
      if (until < nowSec) seen.delete(nonce);
    }
  };

  return {
    verify(req) {
      const timestamp = header(req.headers, PARTNER_AUTH_HEADERS.TIMESTAMP);
      const nonce = header(req.headers, PARTNER_AUTH_HEADERS.NONCE);
      const signature = header(req.headers, PARTNER_AUTH_HEADERS.SIGNATURE);
      if (timestamp === undefined || nonce === undefined || signature === undefined) return { ok: false, reason: 'missing-headers' };
      if (!TIMESTAMP_RE.test(timestamp) || !NONCE_RE.test(nonce) || !SIGNATURE_RE.test(signature)) return { ok: false, reason: 'malformed-headers' };
      const expected = mac(opts.secret, canonical(req.method, req.path, timestamp, nonce, req.body));
      if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'bad-signature' };
      const nowSec = opts.clock.now();
      const ts = Number(timestamp);
      if (Math.abs(nowSec - ts) > windowSec) return { ok: false, reason: 'stale' };
      // Only authentic, fresh requests reach the replay cache, so it cannot be filled by a stranger.
      if (seen.has(nonce)) return { ok: false, reason: 'replayed' };
      if (seen.size >= maxNonces) evict(nowSec);
      if (seen.size >= maxNonces) return { ok: false, reason: 'replay-cache-full' };
      seen.set(nonce, ts + windowSec);
      return { ok: true };
    },
  };
}

/**
 * Answers are signed too, so that a man in the middle cannot make a server believe its partner acked
 * a lease (or reported a state) it did not. The answer's MAC covers the request's nonce, which makes
 * an old answer worthless for any other request: no replay cache is needed on the requesting side.
 */
export const PARTNER_ANSWER_SCHEME = 'tandem-ha-answer-v1';

export type PartnerAnswerHeaders = {
  readonly 'x-tandem-timestamp': string;
  readonly 'x-tandem-signature': string;
};

function answerCanonical(requestNonce: string, status: number, timestamp: string, body: string | Uint8Array): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return `${PARTNER_ANSWER_SCHEME}\n${requestNonce}\n${status}\n${timestamp}\n${bodyHash}`;
}

/** The headers of an answer to a signed partner request (`requestNonce`: that request's nonce header). */
export function signPartnerAnswer(input: {
  readonly secret: string; readonly requestNonce: string; readonly status: number; readonly body: string | Uint8Array; readonly nowSec: number;
}): PartnerAnswerHeaders {
  const timestamp = String(Math.floor(input.nowSec));
  const signature = mac(input.secret, answerCanonical(input.requestNonce, input.status, timestamp, input.body)).toString('hex');
  return { 'x-tandem-timestamp': timestamp, 'x-tandem-signature': signature };
}

/** Checks an answer to the request this side signed with `requestNonce`. */
export function verifyPartnerAnswer(input: {
  readonly secret: string; readonly requestNonce: string; readonly status: number; readonly headers: HeaderSource; readonly body: string | Uint8Array;
}): VerifyResult {
  const timestamp = header(input.headers, PARTNER_AUTH_HEADERS.TIMESTAMP);
  const signature = header(input.headers, PARTNER_AUTH_HEADERS.SIGNATURE);
  if (timestamp === undefined || signature === undefined) return { ok: false, reason: 'missing-headers' };
  if (!TIMESTAMP_RE.test(timestamp) || !SIGNATURE_RE.test(signature)) return { ok: false, reason: 'malformed-headers' };
  const expected = mac(input.secret, answerCanonical(input.requestNonce, input.status, timestamp, input.body));
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
