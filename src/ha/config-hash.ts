import { createHash } from 'node:crypto';
import type { HaConfig, Subnet4 } from '../model/index.ts';
import { hashSharedConfig, sharedConfigPart } from './config-push.ts';

/**
 * The hash both partners put in their heartbeat (`config-hash`): SHA-256 over what they must agree
 * on — the relationship's shared settings and the pools the address split is computed from — and
 * nothing that is one server's own (this-server-name, credentials, TLS files, the secret itself).
 */
export function haConfigHash(ha: HaConfig, subnets: readonly Subnet4[]): string {
  const shared = {
    mode: ha.mode,
    peers: [...ha.peers].sort((a, b) => a.name.localeCompare(b.name)).map((p) => ({ name: p.name, url: p.url, role: p.role, af: p.autoFailover })),
    times: [ha.heartbeatDelayMs, ha.maxResponseDelayMs, ha.maxAckDelayMs, ha.maxUnackedClients, ha.maxRejectedLeaseUpdates],
    mclt: ha.mcltSec, reserve: ha.reservePercent, lb: ha.loadBalancePercent, switchover: ha.stateSwitchoverIntervalSec,
    skew: [ha.clockSkewWarnSec, ha.clockSkewTerminateSec],
    subnets: [...subnets].sort((a, b) => a.id - b.id).map((s) => ({
      id: s.id, network: s.network, len: s.prefixLength,
      pools: s.pools.map((p) => [p.first, p.last]),
      exclusions: s.exclusions.map(([a, b]) => [a, b]),
      reserved: s.reservations.map((r) => r.address).filter((a) => a !== null).sort((a, b) => a - b),
    })),
  };
  return createHash('sha256').update(JSON.stringify(shared)).digest('hex');
}

/**
 * The hash a running server puts in its heartbeat (`config-hash`): SHA-256 over the canonical
 * shared part of its config JSON (config-push.ts), so any drift in what the partners share — a
 * scope, an option, a lifetime, a relationship setting — shows at once, and a pushed shared part,
 * once merged, hashes the same on both. Local keys (names, interfaces, sockets, secrets) are not in it.
 */
export function sharedConfigHash(configJson: unknown): string {
  return hashSharedConfig(sharedConfigPart(configJson));
}
