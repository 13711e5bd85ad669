import type { ControlSocketSpec, HaConfig } from '../../model/index.ts';
import type { Logger } from '../../obs/index.ts';
import type { Clock } from '../../util/index.ts';
import { PARTNER_AUTH_HEADERS, createPartnerVerifier, signPartnerAnswer } from '../../ha/index.ts';
import type { PartnerVerifier } from '../../ha/index.ts';
import { ControlResult } from '../types.ts';
import { startHttpListener } from './http-listener.ts';
import type { HttpListenerExtras } from './http-listener.ts';
import type { Listener, RequestHandler } from './types.ts';

type HttpSpec = Extract<ControlSocketSpec, { type: 'http' | 'https' }>;

/** Commands that change nothing, accepted on a restricted HA listener besides the HA ones (config-get is not: it holds secrets). */
export const READ_ONLY_COMMANDS: readonly string[] = [
  'list-commands', 'version-get', 'status-get', 'lease4-get', 'lease4-get-all', 'lease4-get-page', 'lease4-get-by-hw-address',
  'lease4-get-by-client-id', 'lease4-get-by-hostname', 'subnet4-list', 'subnet4-get', 'statistic-get', 'statistic-get-all',
  'reservation-get', 'reservation-get-all',
];

/**
 * The listener spec for this server's own peer url (`http(s)://<IP>:<port>/`): TLS from its peer
 * entry (else the relationship's) with `require-client-certs`, and Basic auth when its peer entry
 * names credentials (the partner sends exactly those towards us).
 */
export function haListenerSpec(ha: HaConfig): { spec: HttpSpec; path: string } {
  const me = ha.peers.find((p) => p.name === ha.thisServerName);
  if (me === undefined) throw new Error(`high-availability: this-server-name '${ha.thisServerName}' names no peer`);
  const url = new URL(me.url);
  const type = url.protocol === 'https:' ? 'https' : 'http';
  const tls = me.tls ?? ha.tls ?? null;
  if (type === 'https' && tls === null) throw new Error(`high-availability: ${me.url} needs cert-file, key-file and trust-anchor`);
  const user = me.basicAuthUser;
  const password = me.basicAuthPassword;
  return {
    spec: {
      type,
      address: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(url.port),
      auth: user !== null && password !== null ? { realm: 'tandem-ha', clients: [{ user, password }] } : null,
      tls: type === 'https' && tls !== null
        ? { certFile: tls.certFile, keyFile: tls.keyFile, trustAnchor: tls.trustAnchor, certRequired: ha.requireClientCerts ?? true }
        : null,
    },
    path: url.pathname === '' ? '/' : url.pathname,
  };
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/** True when a configured control socket already listens where the HA listener would (same port, same or wildcard address). */
export function controlSocketServes(ha: HaConfig, sockets: readonly ControlSocketSpec[]): boolean {
  return sockets.some((s) => servesPeerUrl(ha, s));
}

/** True when this control socket listens where this server's peer url points. */
export function servesPeerUrl(ha: HaConfig, socket: ControlSocketSpec): boolean {
  const { spec } = haListenerSpec(ha);
  return socket.type !== 'unix' && socket.port === spec.port && (socket.address === spec.address || WILDCARDS.has(socket.address));
}

/** Kea's restrict-commands: only HA commands and read-only ones; the rest answer result 2 without running. */
export function restrictCommands(handler: RequestHandler, allowed: readonly string[], log: Logger): RequestHandler {
  const names = new Set([...allowed, ...READ_ONLY_COMMANDS]);
  return {
    handle(req, ctx) {
      const command = typeof req === 'object' && req !== null ? (req as { command?: unknown }).command : undefined;
      if (typeof command === 'string' && !names.has(command)) {
        log.log('CTRL_REQUEST_REFUSED', { via: ctx.via, listener: 'ha', remote: ctx.remote, command, why: 'restrict-commands' });
        return Promise.resolve({ result: ControlResult.UNSUPPORTED, text: `'${command}' command not allowed on the HA listener (restrict-commands).` });
      }
      return handler.handle(req, ctx);
    },
  };
}

/** Commands only a partner sends: on a control socket shared with the partner they must be signed. */
export const PARTNER_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  'ha-heartbeat', 'lease4-bulk-apply', 'ha-sync-complete-notify', 'ha-maintenance-notify', 'ha-config-push',
]);

/**
 * The shared-secret checks of partner traffic on a listener: the request's signature (verifier) and
 * a signature on the answer, bound to the request's nonce. `sharedWith`: the listener is a control
 * socket that also serves the peer url; only requests that are signed or name a partner-only command
 * are checked there (its operators keep their own authentication).
 */
export function partnerAuthExtras(secret: string, verifier: PartnerVerifier, clock: Clock, sharedWith?: { readonly partnerCommands: ReadonlySet<string> }): HttpListenerExtras {
  return {
    verifiedUser: 'ha-partner',
    verify: (req) => verifier.verify({ method: req.method, path: req.path, headers: req.headers, body: req.body }),
    signAnswer: (headers, status, body) => {
      const nonce = headers[PARTNER_AUTH_HEADERS.NONCE];
      return typeof nonce === 'string' ? { ...signPartnerAnswer({ secret, requestNonce: nonce, status, body, nowSec: clock.now() }) } : {};
    },
    ...(sharedWith === undefined ? {} : { verifyOnly: { header: PARTNER_AUTH_HEADERS.SIGNATURE, commands: sharedWith.partnerCommands } }),
  };
}

export type HaListenerOptions = {
  readonly log: Logger;
  readonly clock: Clock;
  /** HA command names (handler's); used with restrict-commands. */
  readonly haCommands: readonly string[];
  /** A verifier to reuse (its replay cache survives reopening the listener); default: a new one from shared-secret. */
  readonly verifier?: PartnerVerifier;
};

/**
 * The partner-facing listener on this server's peer url. With `shared-secret`, every request must
 * carry a valid, fresh, unreplayed signature (createPartnerVerifier), checked on the raw body before
 * it is parsed; a refusal answers 401 `partner authentication failed: <reason>` and is logged as
 * CTRL_AUTH_FAILED. No /metrics here.
 */
export async function startHaListener(handler: RequestHandler, ha: HaConfig, opts: HaListenerOptions): Promise<Listener> {
  const { spec, path } = haListenerSpec(ha);
  const verifier = ha.sharedSecret === null ? null : opts.verifier ?? createPartnerVerifier({ secret: ha.sharedSecret, clock: opts.clock, windowSec: Math.max(30, ha.clockSkewTerminateSec + 30) });
  const extras: HttpListenerExtras = {
    path, metrics: false, role: 'ha',
    ...(verifier === null || ha.sharedSecret === null ? {} : partnerAuthExtras(ha.sharedSecret, verifier, opts.clock)),
  };
  const h = ha.restrictCommands === true ? restrictCommands(handler, opts.haCommands, opts.log) : handler;
  // The metrics source is never used (metrics: false).
  return startHttpListener(spec, { handler: h, log: opts.log, metrics: () => '' }, extras);
}
