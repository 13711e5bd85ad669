import type { ControlSocketSpec, HaConfig } from '../model/index.ts';
import type { Histogram, Logger } from '../obs/index.ts';
import { systemClock } from '../util/index.ts';
import type { Clock } from '../util/index.ts';
import { createPartnerVerifier } from '../ha/index.ts';
import type { PartnerVerifier } from '../ha/index.ts';
import {
  HA_COMMAND_NAMES, ListenerError, PARTNER_ONLY_COMMANDS, controlSocketServes, createControlHandler, haListenerSpec, partnerAuthExtras,
  servesPeerUrl, startControlListeners, startHaListener,
} from '../control/index.ts';
import type { ControlListeners, Listener, ServerApi } from '../control/index.ts';

export type ControlWiring = {
  addresses(): string[];
  /**
   * Reopens the listeners when the specs changed (`ha` undefined: the HA settings stay as they are);
   * on failure the old ones are reopened and the error thrown.
   */
  reconfigure(sockets: readonly ControlSocketSpec[], ha?: HaConfig | null): Promise<void>;
  /** Stops accepting and waits (bounded) for requests in progress. */
  close(): Promise<void>;
};

export type ControlWiringOptions = {
  /** The HA relationship whose peer url gets a partner listener; default: the api's config. */
  readonly ha?: HaConfig | null;
  /** For the partner signature's freshness window; default: the system clock. */
  readonly clock?: Clock;
};

const DRAIN_MS = 2000;

/** What decides whether the HA listener must be reopened. */
function haKey(ha: HaConfig | null, sockets: readonly ControlSocketSpec[]): string {
  if (ha === null) return 'none';
  if (controlSocketServes(ha, sockets)) return `shared:${ha.sharedSecret ?? ''}`;
  return JSON.stringify({ ...haListenerSpec(ha), secret: ha.sharedSecret, restrict: ha.restrictCommands === true });
}

/**
 * The control API of one server: the command handler behind every configured listener, plus, with
 * an HA relationship, the partner listener on this server's peer url (unless a control socket
 * already is that address: then the partner talks to that socket, under its own authentication).
 */
export async function startControl(api: ServerApi, sockets: readonly ControlSocketSpec[], log: Logger,
  storeWrites: Histogram, options: ControlWiringOptions = {}): Promise<ControlWiring> {
  const clock = options.clock ?? systemClock;
  const handler = createControlHandler(api, { log });
  // One replay cache per secret for the life of the server: reopening the listener must not forget nonces.
  const verifiers = new Map<string, PartnerVerifier>();
  const verifierFor = (h: HaConfig, secret: string): PartnerVerifier => {
    // The window spans the clock skew partners tolerate (they must hear each other to measure it).
    const v = verifiers.get(secret) ?? createPartnerVerifier({ secret, clock, windowSec: Math.max(30, h.clockSkewTerminateSec + 30) });
    verifiers.set(secret, v);
    return v;
  };
  // A control socket on the peer url also carries partner traffic: the shared secret applies there
  // to signed requests and to partner-only commands, whose answers are signed.
  const open = (specs: readonly ControlSocketSpec[], h: HaConfig | null) => {
    const secret = h?.sharedSecret ?? null;
    return startControlListeners(handler, api, specs, {
      log, metrics: { storeWrites: () => storeWrites.snapshot() },
      ...(h === null || secret === null ? {} : {
        httpExtras: (spec) => (servesPeerUrl(h, spec) ? partnerAuthExtras(secret, verifierFor(h, secret), clock, { partnerCommands: PARTNER_ONLY_COMMANDS }) : undefined),
      }),
    });
  };

  async function openHa(ha: HaConfig | null, specs: readonly ControlSocketSpec[]): Promise<Listener | null> {
    if (ha === null) return null;
    const secret = ha.sharedSecret;
    if (controlSocketServes(ha, specs)) {
      log.log('CTRL_LISTENING', { address: haUrl(ha), listener: 'ha', sharedWith: 'control socket', signed: secret !== null });
      return null;
    }
    const verifier = secret === null ? undefined : verifierFor(ha, secret);
    try {
      const listener = await startHaListener(handler, ha, { log, clock, haCommands: HA_COMMAND_NAMES, ...(verifier === undefined ? {} : { verifier }) });
      log.log('CTRL_LISTENING', { address: listener.address, listener: 'ha', signed: secret !== null, restricted: ha.restrictCommands === true });
      return listener;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.log('CTRL_LISTENER_FAILED', { address: haUrl(ha), listener: 'ha', error: message });
      throw new ListenerError('ERR_CTRL_LISTENER_FAILED', `HA listener ${haUrl(ha)}: ${message}`, { cause: error });
    }
  }
  const closeHa = async (l: Listener | null, drainMs?: number) => {
    if (l === null) return;
    await l.close(drainMs === undefined ? {} : { drainMs });
    log.log('CTRL_LISTENER_CLOSED', { address: l.address, listener: 'ha' });
  };

  let specs = sockets;
  let ha = options.ha !== undefined ? options.ha : api.config().ha;
  let listeners: ControlListeners = await open(specs, ha);
  let haListener: Listener | null;
  try {
    haListener = await openHa(ha, specs);
  } catch (error) {
    await listeners.close();
    throw error;
  }
  return {
    addresses: () => [...listeners.addresses(), ...(haListener === null ? [] : [haListener.address])],
    async reconfigure(next, nextHa) {
      const newHa = nextHa === undefined ? ha : nextHa;
      const haChanged = haKey(newHa, next) !== haKey(ha, specs);
      // A socket shared with the partner carries its checks: a change of those reopens it too.
      const shared = (h: HaConfig | null, s: readonly ControlSocketSpec[]) => h !== null && controlSocketServes(h, s);
      const socketsChanged = JSON.stringify(next) !== JSON.stringify(specs) || (haChanged && (shared(ha, specs) || shared(newHa, next)));
      if (!socketsChanged && !haChanged) { ha = newHa; return; }
      // No drain: the request that changed the config may be running on one of these listeners.
      if (haChanged) { await closeHa(haListener); haListener = null; }
      if (socketsChanged) await listeners.close();
      let opened: ControlListeners | null = null;
      try {
        if (socketsChanged) opened = await open(next, newHa);
        if (haChanged) haListener = await openHa(newHa, next);
        if (opened !== null) listeners = opened;
        specs = next;
        ha = newHa;
      } catch (error) {
        if (opened !== null) await opened.close();
        if (socketsChanged) listeners = await open(specs, ha);
        if (haChanged) haListener = await openHa(ha, specs);
        throw error;
      }
    },
    async close() {
      await Promise.all([listeners.close({ drainMs: DRAIN_MS }), closeHa(haListener, DRAIN_MS)]);
    },
  };
}

function haUrl(ha: HaConfig): string {
  return ha.peers.find((p) => p.name === ha.thisServerName)?.url ?? '(no url)';
}
