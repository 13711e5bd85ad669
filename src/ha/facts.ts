import type { Clock } from '../util/index.ts';
import { parseHttpDate } from './http-date.ts';

/**
 * The failure detector's evidence (Kea's communication_state, tandem's shape): while communication is
 * interrupted, the service feeds every DHCP query that belongs to the PARTNER's scope. A client that
 * keeps asking with `secs` ≥ max-ack-delay is "unacked": the partner is not answering it. Clients are
 * keyed by (hw-address, client-id), seen within a sliding window so that old evidence fades.
 */
export type UnackedClientsSnapshot = {
  /** Distinct clients seen asking (in the partner's scope) within the window. */
  readonly connectingClients: number;
  /** Of those, how many asked with secs ≥ max-ack-delay. */
  readonly unackedClients: number;
  /** How many more unacked clients before partner-down (max-unacked-clients + 1 − unacked), ≥ 0. */
  readonly unackedClientsLeft: number;
  /** Queries analysed since the last reset. */
  readonly analyzedPackets: number;
};

export type UnackedClientsDetector = {
  /** One query from a client not in this server's scope. `secs` is the BOOTP header field as received. */
  observe(query: { readonly hwAddress: string; readonly clientId: string | null; readonly secs: number }): void;
  snapshot(): UnackedClientsSnapshot;
  /** Contact is back: forget everything (Kea clears the evidence when communication resumes). */
  reset(): void;
};

export type UnackedClientsOptions = {
  readonly maxAckDelayMs: number;
  readonly maxUnackedClients: number;
  readonly clock: Clock;
  /** Evidence older than this is dropped; default 2 × max-response-delay would be usual, 120 000 ms here. */
  readonly windowMs?: number;
  /** At most this many clients are tracked (oldest forgotten first); default 10 000. */
  readonly maxTracked?: number;
};

/**
 * Windows clients send `secs` byte-swapped: a value over 255 whose low byte is zero is read the
 * other way round (as Kea does).
 */
export function normalizeSecs(secs: number): number {
  return secs > 255 && (secs & 0xff) === 0 ? secs >>> 8 : secs;
}

type Seen = { lastMs: number; unacked: boolean };

export function createUnackedClientsDetector(opts: UnackedClientsOptions): UnackedClientsDetector {
  const windowMs = opts.windowMs ?? 120_000;
  const maxTracked = opts.maxTracked ?? 10_000;
  // Insertion order = last-seen order (entries are re-inserted on every sighting).
  const clients = new Map<string, Seen>();
  let analyzed = 0;

  const expire = (nowMs: number): void => {
    for (const [key, seen] of clients) {
      if (nowMs - seen.lastMs <= windowMs) break;
      clients.delete(key);
    }
  };

  return {
    observe(q) {
      const nowMs = opts.clock.monotonicMs();
      analyzed++;
      const key = `${q.hwAddress}|${q.clientId ?? ''}`;
      const unacked = normalizeSecs(q.secs) * 1000 >= opts.maxAckDelayMs;
      const before = clients.get(key);
      clients.delete(key);
      // Once unacked within the window, a client stays unacked (its next query may restart secs).
      clients.set(key, { lastMs: nowMs, unacked: unacked || (before?.unacked ?? false) });
      if (clients.size > maxTracked) {
        const oldest = clients.keys().next();
        if (oldest.done !== true) clients.delete(oldest.value);
      }
      expire(nowMs);
    },
    snapshot() {
      expire(opts.clock.monotonicMs());
      let unacked = 0;
      for (const s of clients.values()) if (s.unacked) unacked++;
      return {
        connectingClients: clients.size,
        unackedClients: unacked,
        unackedClientsLeft: Math.max(0, opts.maxUnackedClients + 1 - unacked),
        analyzedPackets: analyzed,
      };
    },
    reset() {
      clients.clear();
      analyzed = 0;
    },
  };
}

export type ClockSkewLevel = 'ok' | 'warn' | 'terminate';

export type ClockSkew = { readonly skewSec: number; readonly level: ClockSkewLevel };

/**
 * Clock skew from a heartbeat answer: the partner's `date-time` minus local time, in whole seconds
 * (Kea's rule; the date has one-second resolution). Null when the date cannot be read.
 * `rttMs`, when known, is halved and credited to the partner's clock: the answer was built mid-flight.
 */
export function measureClockSkew(
  partnerDateTime: string, localNowSec: number,
  limits: { readonly warnSec: number; readonly terminateSec: number }, rttMs = 0,
): ClockSkew | null {
  const partnerSec = parseHttpDate(partnerDateTime);
  if (partnerSec === null) return null;
  const skewSec = Math.round(partnerSec - (localNowSec - rttMs / 2000));
  const abs = Math.abs(skewSec);
  const level: ClockSkewLevel = abs > limits.terminateSec ? 'terminate' : abs > limits.warnSec ? 'warn' : 'ok';
  return { skewSec, level };
}
