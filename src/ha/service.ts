import type { Clock } from '../util/index.ts';
import { formatIp4 } from '../util/index.ts';
import type { HaConfig, HaPeer, Lease4, Subnet4 } from '../model/index.ts';
import { leaseExpiry, leaseVersion } from '../model/index.ts';
import type { LeaseStore } from '../store/index.ts';
import { StoreConflictError } from '../store/index.ts';
import type { AddressPolicy4 } from '../alloc/index.ts';
import type { ExchangeHooks4 } from '../dhcp4/index.ts';
import type { Logger } from '../obs/index.ts';
import type { HaApi, PartnerChangeFailure, PartnerLeaseChange } from './ha-api.ts';
import {
  HA_REMOTE_ORIGIN_BASE, RESULT, haHeartbeat, haMaintenanceNotify, haReset, haSyncCompleteNotify, heartbeatAnswer,
} from './commands.ts';
import type { CommandJson } from './commands.ts';
import { createUnackedClientsDetector, measureClockSkew } from './facts.ts';
import { formatHttpDate } from './http-date.ts';
import { createHaHooks } from './ha-hooks.ts';
import { createLeaseUpdates } from './lease-updates.ts';
import { createOwnership } from './ownership.ts';
import type { Ownership } from './ownership.ts';
import type { PartnerClient, PartnerResult } from './partner-client.ts';
import { allocationPolicy, decide, normalState } from './states.ts';
import type { HaEffect, HaFacts, HaState, MaintenanceRequest, PartnerDownCause, PartnerView, ServedScope, SyncStatus } from './states.ts';
import { syncFromPartner } from './sync.ts';
import { createConfigReplication } from './config-replication.ts';
import type { ApplyConfigOutcome } from './config-replication.ts';

export type HaServiceOptions = {
  readonly ha: HaConfig;
  readonly subnets: readonly Subnet4[];
  readonly store: LeaseStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly partner: PartnerClient;
  /** SHA-256 hex of the shared relationship config (config-hash.ts); null: not compared. */
  readonly configHash?: string | null;
  /** The config in force as JSON (the shared part is pushed from it and merged into it); default: none. */
  readonly configJson?: () => unknown;
  /** Validates and applies a whole config atomically (a partner's push merged into ours). */
  readonly applyConfig?: (json: unknown) => Promise<ApplyConfigOutcome>;
  /** Re-enables DHCP service disabled by the partner during its sync (ha-sync-complete-notify). */
  readonly setServing?: (enabled: boolean, origin: string) => void;
  /** lease4-bulk-apply batching; defaults 1000 leases per batch, 4 batches in flight. */
  readonly maxBatch?: number;
  readonly maxInFlight?: number;
};

/** A running HA service: HaApi for the control layer, the hooks for the exchange, start/stop for runtime. */
export type HaService = HaApi & {
  start(): void;
  stop(): Promise<void>;
  state(): HaState;
  partnerState(): PartnerView;
  readonly hooks: ExchangeHooks4;
  readonly addressPolicy: AddressPolicy4;
  /** A reload: the split of free addresses is rebuilt from the new subnets. */
  setSubnets(subnets: readonly Subnet4[]): void;
  /** The config in force changed (reload, config-set, a push landed): rehash; the primary pushes it. */
  configChanged(json: unknown): void;
  /** Sends one heartbeat now and decides on its result (tests; commands). */
  heartbeatNow(): Promise<void>;
};

const ORIGIN_ID = HA_REMOTE_ORIGIN_BASE + 1;
const REPEAT_WARNING_MS = 60_000;
/**
 * In `ready` a server waits for its partner to enter the normal state, and only its own heartbeat
 * tells it so: poll at this pace meanwhile, or the clients of its share go unanswered for up to a
 * whole heartbeat-delay after every sync (the partner has already left partner-down).
 */
export const READY_HEARTBEAT_MS = 100;

function partnerOf(ha: HaConfig): { me: HaPeer; partner: HaPeer } {
  const me = ha.peers.find((p) => p.name === ha.thisServerName);
  const partner = ha.peers.find((p) => p.name !== ha.thisServerName && p.role !== 'backup');
  if (me === undefined || partner === undefined) throw new Error('high-availability: this server or its partner is missing from peers');
  return { me, partner };
}

/** Two leases say the same thing (no write needed). */
function sameLease(a: Lease4, b: Lease4): boolean {
  return a.cltt === b.cltt && a.validLifetime === b.validLifetime && a.state === b.state && a.hwAddress === b.hwAddress
    && a.clientId === b.clientId && a.subnetId === b.subnetId && a.hostname === b.hostname;
}

/**
 * The effect interpreter (STYLE R7): measures the facts, calls the pure decide() on every heartbeat
 * result, timer tick and command, and carries out the effects (serve, cap, replicate, sync, heartbeat).
 */
export function createHaService(opts: HaServiceOptions): HaService {
  const { ha, store, clock, log, partner: client } = opts;
  const { me, partner } = partnerOf(ha);
  const role = me.role;
  let ownership: Ownership = createOwnership(ha, opts.subnets);

  let state: HaState = role === 'backup' ? 'backup' : 'waiting';
  let view: PartnerView = 'unavailable';
  let lastContactMs = clock.monotonicMs();
  let lastContactAt: number | null = null;
  let lastError: string | null = null;
  let partnerScopes: readonly string[] = [];
  let skewSec: number | null = null;
  let partnerUnsent: number | null = null;
  let partnerUnsentChanged = false;
  const rejected = new Set<number>();
  /**
   * What the partner holds per address, as far as this server knows: the last lease it acked from
   * us or sent us (failover-12's acknowledged binding). The MCLT cap and the reuse rules read it.
   */
  const known = new Map<number, Lease4>();
  /** Leases sent to the partner and not (yet) acked: it may hold them. Cleared by an ack or a newer partner lease. */
  const inDoubt = new Map<number, Lease4>();
  let maintenance: MaintenanceRequest = 'none';
  let partnerDownCommand = false;
  let resetRequested = false;
  let sync: SyncStatus = 'idle';
  let syncGeneration = 0;
  let syncFailedAtMs = -Infinity;
  let downCause: PartnerDownCause | null = null;
  /** When (monotonic ms) the operator declared the partner down; MCLT from then unlocks its addresses. */
  let declaredDownAtMs: number | null = null;
  /**
   * Whether this server's store is known to hold what the partner granted: after a sync, or once in
   * the normal state with the partner. Until then (a restart with the partner unreachable) it renews
   * the leases it knows but hands out no free address, unless the operator declared the partner down.
   */
  let caughtUp = !ha.syncLeases;
  let partnerAddressesInUse = false;
  let scope: ServedScope = 'none';
  let scopeOverride: ServedScope | null = null;
  let mcltCap = false;
  let terminatedReason: string | null = null;
  const lastWarned = new Map<string, number>();

  let started = false;
  let stopped = false;
  let heartbeating = false;
  let hbTimer: NodeJS.Timeout | null = null;
  let hbInFlight: Promise<void> | null = null;
  let tickTimer: NodeJS.Timeout | null = null;
  const background = new Set<Promise<unknown>>();
  const hbTimeoutMs = Math.min(10_000, Math.max(1000, ha.maxResponseDelayMs));

  const detector = createUnackedClientsDetector({ maxAckDelayMs: ha.maxAckDelayMs, maxUnackedClients: ha.maxUnackedClients, clock });

  const track = <T>(p: Promise<T>): void => {
    const q = p.catch((error: unknown) => log.log('HA_SERVICE_ERROR', { server: me.name, error: String(error) }));
    background.add(q);
    void q.finally(() => background.delete(q));
  };

  /**
   * Every command to the partner goes through here (contact time, last error). Other traffic does
   * not postpone the heartbeat: under steady lease updates the partner's state and clock must still
   * be compared every heartbeat-delay (invariant 6).
   */
  async function send(command: CommandJson, sendOpts: { readonly timeoutMs?: number } = {}): Promise<PartnerResult> {
    const r = await client.send(command, sendOpts);
    if (r.ok) {
      lastContactMs = clock.monotonicMs();
      lastContactAt = clock.now();
      lastError = null;
    } else {
      lastError = `${command.command}: ${r.error}`;
    }
    return r;
  }

  const replication = createConfigReplication({
    me, partner, log, clock, send: (c) => send(c), configJson: opts.configJson ?? (() => ({})),
    ...(opts.applyConfig !== undefined ? { applyConfig: opts.applyConfig } : {}),
    initialHash: opts.configHash ?? null,
  });

  const updates = createLeaseUpdates({
    store, send: (c) => send(c), ...(opts.maxBatch !== undefined ? { maxBatch: opts.maxBatch } : {}),
    ...(opts.maxInFlight !== undefined ? { maxInFlight: opts.maxInFlight } : {}),
    ackTimeoutMs: Math.max(1000, ha.maxAckDelayMs),
    onRejected: (lease, reason) => {
      rejected.add(lease.address);
      log.log('HA_LEASE_UPDATE_REJECTED', { server: me.name, address: formatIp4(lease.address), reason });
      track(dropRejected(lease));
      evaluate();
    },
    onBatchFailed: (error, leases) => log.log('HA_LEASE_UPDATES_FAILED', { server: me.name, leases, error }),
    onSent: (lease, removed) => { if (!removed) inDoubt.set(lease.address, lease); },
    onAcked: (lease, removed) => {
      if (inDoubt.get(lease.address) === lease) inDoubt.delete(lease.address);
      if (removed) known.delete(lease.address); else known.set(lease.address, lease);
    },
  });

  /**
   * The partner holds this address for another client and refused our lease: ours is removed (if it
   * is still the one refused), so that no later renewal can ACK it; the removal is not sent back.
   */
  async function dropRejected(lease: Lease4): Promise<void> {
    const current = await store.get4(lease.address);
    if (inDoubt.get(lease.address) === lease) inDoubt.delete(lease.address);
    if (current === null || !sameLease(current, lease)) return;
    updates.expectEcho(current, true);
    try {
      await store.remove4(lease.address, leaseVersion(current));
    } catch (error) {
      updates.cancelEcho(current, true);
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }

  function facts(): HaFacts {
    const sinceContactMs = clock.monotonicMs() - lastContactMs;
    return {
      sinceContactMs,
      interruptedForMs: view === 'unavailable' ? sinceContactMs : null,
      unackedClients: detector.snapshot().unackedClients,
      clockSkewSec: skewSec,
      rejectedUpdates: rejected.size,
      maintenance, partnerDownCommand, resetRequested, sync, partnerUnsentChanged,
      configHashMatches: replication.matches(),
      partnerDownCause: downCause,
      declaredDownForMs: declaredDownAtMs === null ? null : clock.monotonicMs() - declaredDownAtMs,
      partnerAddressesInUse,
    };
  }

  let evaluating = false;
  let again = false;
  function evaluate(): void {
    if (stopped || !started) return;
    if (evaluating) { again = true; return; }
    evaluating = true;
    try {
      for (let i = 0; i < 8; i++) {
        again = false;
        // A partner not heard from for max-response-delay is not in any state we know.
        if (view !== 'unavailable' && clock.monotonicMs() - lastContactMs > ha.maxResponseDelayMs) view = 'unavailable';
        const before = state;
        const d = decide({ me: state, partner: view, facts: facts(), config: ha, role, autoFailover: me.autoFailover });
        if (d.next !== state) {
          if (state === 'partner-down') { downCause = null; declaredDownAtMs = null; }
          if (d.next === 'terminated') terminatedReason = null;
          state = d.next;
          sync = 'idle';
          syncGeneration++;
          partnerUnsentChanged = false;
          scopeOverride = null;
          if (state === 'ready' && heartbeating) armHeartbeat();
          if (state === 'load-balancing' || state === 'hot-standby' || state === 'partner-in-maintenance') caughtUp = true;
        }
        for (const e of d.effects) perform(e);
        if (state === before && !again) break;
      }
    } finally {
      evaluating = false;
    }
  }

  function warnOnce(key: string, fields: Record<string, unknown>, id: string): void {
    const now = clock.monotonicMs();
    const last = lastWarned.get(key);
    if (last !== undefined && now - last < REPEAT_WARNING_MS) return;
    lastWarned.set(key, now);
    log.log(id, fields);
  }

  function perform(e: HaEffect): void {
    switch (e.kind) {
      case 'log':
        if (e.id === 'HA_STATE_TRANSITION') {
          if (e.to === 'terminated') terminatedReason = e.reason;
          log.log('HA_STATE_TRANSITION', { server: me.name, from: e.from, to: e.to, partner: e.partner, reason: e.reason },
            `${me.name}: server transitions from ${e.from} to ${e.to} state, partner state is ${e.partner} (${e.reason})`);
        } else {
          warnOnce(e.id, { server: me.name, partner: e.partner, detail: e.detail }, e.id);
        }
        return;
      case 'warn-clock-skew': return;
      case 'serve-scopes': scope = e.scope; return;
      case 'stop-serving': scope = 'none'; return;
      case 'cap-leases-at-mclt': mcltCap = e.on; return;
      case 'use-partner-addresses': partnerAddressesInUse = e.on; return;
      case 'send-lease-updates': updates.setEnabled(e.on && ha.sendLeaseUpdates); return;
      case 'enter-partner-down':
        downCause = e.cause;
        declaredDownAtMs = e.cause === 'command' ? clock.monotonicMs() : null;
        partnerDownCommand = false;
        return;
      case 'start-sync': startSync(e.disablePartner); return;
      case 'notify-sync-complete':
        track(send(haSyncCompleteNotify.build({ serverName: me.name, originId: ORIGIN_ID })));
        return;
      case 'send-heartbeat': if (started) track(heartbeatNow()); return;
      case 'schedule-heartbeat': heartbeating = true; if (hbTimer === null) armHeartbeat(); return;
      case 'stop-heartbeat':
        heartbeating = false;
        if (hbTimer !== null) clearTimeout(hbTimer);
        hbTimer = null;
        return;
      case 'reset-partner': track(send(haReset.build({ serverName: me.name }))); return;
      case 'clear-requests': maintenance = 'none'; resetRequested = false; partnerDownCommand = false; return;
      default: {
        const never: never = e;
        throw new Error(`unknown HA effect ${JSON.stringify(never)}`);
      }
    }
  }

  function armHeartbeat(): void {
    if (hbTimer !== null) clearTimeout(hbTimer);
    if (stopped) return;
    const delayMs = state === 'ready' ? Math.min(ha.heartbeatDelayMs, READY_HEARTBEAT_MS) : ha.heartbeatDelayMs;
    hbTimer = setTimeout(() => { hbTimer = null; track(heartbeatNow()); }, delayMs);
    hbTimer.unref();
  }

  function startSync(disableRequested: boolean): void {
    if (sync === 'running') return;
    if (sync === 'failed' && clock.monotonicMs() - syncFailedAtMs < ha.heartbeatDelayMs) return;
    sync = 'running';
    const generation = syncGeneration;
    // Never disable a partner that is the one serving (docs/ha.md: the serving server keeps serving).
    const disablePartner = disableRequested && !(view === 'load-balancing' || view === 'hot-standby'
      || view === 'partner-down' || view === 'communication-recovery' || view === 'partner-in-maintenance' || view === 'terminated');
    track((async () => {
      const r = await syncFromPartner({
        send, apply: (c) => applyPartnerLeases(c, false), pageLimit: ha.syncPageLimit, pageTimeoutMs: ha.syncTimeoutMs,
        disablePartner, originId: ORIGIN_ID, cancelled: () => stopped || generation !== syncGeneration,
      });
      if (generation !== syncGeneration) return;
      if (r.ok) {
        log.log('HA_SYNC_COMPLETE', { server: me.name, leases: r.leases, pages: r.pages, failed: r.failed });
        sync = 'done';
        caughtUp = true;
      } else {
        log.log('HA_SYNC_FAILED', { server: me.name, error: r.error, leases: r.leases });
        sync = 'failed';
        syncFailedAtMs = clock.monotonicMs();
      }
      evaluate();
    })());
  }

  async function heartbeatOnce(): Promise<void> {
    const sentAt = clock.monotonicMs();
    const r = await send(haHeartbeat.build({ serverName: me.name }), { timeoutMs: hbTimeoutMs });
    if (stopped) return;
    const parsed = r.ok && r.answer.result === RESULT.SUCCESS ? heartbeatAnswer.parse(r.answer.arguments) : null;
    if (parsed === null || !parsed.ok) {
      if (r.ok) lastError = `ha-heartbeat: ${parsed === null ? r.answer.text : parsed.problem.message}`;
      view = 'unavailable';
    } else {
      const a = parsed.value;
      if (view === 'unavailable') detector.reset();
      view = a.state;
      partnerScopes = a.scopes;
      const skew = measureClockSkew(a.dateTime, clock.now(), { warnSec: ha.clockSkewWarnSec, terminateSec: ha.clockSkewTerminateSec }, clock.monotonicMs() - sentAt);
      if (skew !== null) skewSec = skew.skewSec;
      replication.observe(a.configHash);
      if (partnerUnsent !== null && a.unsentUpdateCount !== partnerUnsent) partnerUnsentChanged = true;
      if (partnerUnsent === null && a.unsentUpdateCount > 0) partnerUnsentChanged = true;
      partnerUnsent = a.unsentUpdateCount;
    }
    evaluate();
  }

  function heartbeatNow(): Promise<void> {
    if (stopped) return Promise.resolve();
    hbInFlight ??= heartbeatOnce().finally(() => {
      hbInFlight = null;
      if (heartbeating && hbTimer === null) armHeartbeat();
    });
    return hbInFlight;
  }

  /**
   * Applies the partner's changes. Changes to one address are applied in order; different addresses
   * at once, so a batch of N leases shares the journal's group commit instead of costing N fsyncs.
   */
  async function applyPartnerLeases(changes: readonly PartnerLeaseChange[], live = true) {
    const byAddress = new Map<number, PartnerLeaseChange[]>();
    for (const change of changes) {
      const address = change.kind === 'update' ? change.lease.address : change.address;
      const list = byAddress.get(address);
      if (list === undefined) byAddress.set(address, [change]);
      else list.push(change);
    }
    const failed: PartnerChangeFailure[] = [];
    await Promise.all([...byAddress].map(async ([address, list]) => {
      for (const change of list) {
        if (change.kind === 'update') {
          known.set(address, change.lease);
          const doubt = inDoubt.get(address);
          if (doubt !== undefined && doubt.cltt <= change.lease.cltt) inDoubt.delete(address);
        } else {
          known.delete(address);
        }
        const failure = await applyPartnerChange(address, change, live);
        if (failure !== null) failed.push({ address, ...failure });
      }
    }));
    return { failed };
  }

  /**
   * One partner change, compare-and-set with a few retries; why it was not applied, or null. A live
   * update (not a sync page) that is older than our lease, or that names another client for an address
   * leased here to someone else, is refused: the partner must not count it as acknowledged.
   */
  async function applyPartnerChange(address: number, change: PartnerLeaseChange, live: boolean): Promise<Omit<PartnerChangeFailure, 'address'> | null> {
    let reason: string | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      reason = null;
      const existing = await store.get4(address);
      let written: { lease: Lease4; removed: boolean } | null = null;
      try {
        if (change.kind === 'update') {
          const l = change.lease;
          if (existing !== null && sameLease(existing, l)) break;
          if (existing !== null && existing.cltt > l.cltt) {
            if (live) return { reason: `this server holds a newer lease (cltt ${existing.cltt} > ${l.cltt})`, conflict: false };
            break;
          }
          if (live && existing !== null && clashes(existing, l)) {
            return { reason: `leased here to another client (${existing.hwAddress || existing.clientId}) until ${new Date(leaseExpiry(existing) * 1000).toISOString()}`, conflict: true };
          }
          written = { lease: l, removed: false };
          updates.expectEcho(l, false);
          if (existing === null) await store.insert4(l);
          else await store.update4(l, leaseVersion(existing));
        } else {
          if (existing === null) break;
          written = { lease: existing, removed: true };
          updates.expectEcho(existing, true);
          await store.remove4(address, leaseVersion(existing));
        }
        break;
      } catch (error) {
        if (written !== null) updates.cancelEcho(written.lease, written.removed);
        reason = error instanceof Error ? error.message : String(error);
        if (!(error instanceof StoreConflictError)) break;
      }
    }
    return reason === null ? null : { reason, conflict: false };
  }

  /**
   * A live partner lease that names another client for an address leased here and not expired: two
   * servers gave one address to two clients (Kea answers such updates with result 4).
   */
  function clashes(existing: Lease4, incoming: Lease4): boolean {
    if (existing.state !== 'default' || incoming.state !== 'default') return false;
    if (leaseExpiry(existing) <= clock.now()) return false;
    const sameClient = existing.clientId !== null && incoming.clientId !== null
      ? existing.clientId === incoming.clientId : existing.hwAddress === incoming.hwAddress;
    return !sameClient;
  }

  const scopeNames = (s: ServedScope): string[] =>
    (s === 'all' ? [me.name, partner.name] : s === 'own' ? [me.name] : []);

  const currentScope = (): ServedScope => scopeOverride ?? scope;

  const { hooks, policy } = createHaHooks({
    mode: ha.mode, role, loadBalancePercent: ha.loadBalancePercent,
    scope: currentScope,
    partnerUnavailable: () => view === 'unavailable',
    observePartnerClient: (q) => detector.observe(q),
    // Without lease updates nothing is ever acked: every lease is an unacknowledged one.
    mcltCapSec: () => (mcltCap || !ha.sendLeaseUpdates ? ha.mcltSec : null),
    needsAck: () => updates.enabled(),
    waitForAck: (lease) => updates.waitFor(lease),
    ownership: () => ownership,
    mayUseOthers: () => partnerAddressesInUse,
    // Without a sync, free addresses are safe only once the partner, declared down, cannot hold any
    // of them any more: MCLT after the declaration (it may have used ours while we were away).
    mayAllocate: () => caughtUp || (declaredDownAtMs !== null && clock.monotonicMs() - declaredDownAtMs >= ha.mcltSec * 1000),
    known: (address) => known.get(address),
    inDoubt: (address) => inDoubt.get(address),
    reuseAt: (partnerLease) => {
      if (downCause === 'maintenance') return 0;
      if (declaredDownAtMs === null) return null;
      // The operator vouches the partner has stopped: whatever it granted or extended runs out MCLT
      // after the later of that lease's expiry and the declaration.
      const declaredAt = clock.now() - (clock.monotonicMs() - declaredDownAtMs) / 1000;
      return Math.max(leaseExpiry(partnerLease), declaredAt) + ha.mcltSec;
    },
    now: () => clock.now(),
  });

  const ok = (text: string) => ({ ok: true, text });
  const refuse = (text: string) => ({ ok: false, text });

  const service: HaService = {
    hooks,
    addressPolicy: policy,
    state: () => state,
    partnerState: () => view,
    start() {
      if (started) return;
      started = true;
      lastContactMs = clock.monotonicMs();
      log.log('HA_SERVICE_STARTED', { server: me.name, state, mode: ha.mode, role, partner: partner.name, url: partner.url },
        `${me.name}: HA service starts in ${state} state (${ha.mode}, ${role})`);
      heartbeating = state !== 'backup';
      const tickMs = Math.max(50, Math.min(1000, ha.heartbeatDelayMs));
      tickTimer = setInterval(() => evaluate(), tickMs);
      tickTimer.unref();
      if (heartbeating) track(heartbeatNow());
      evaluate();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (hbTimer !== null) clearTimeout(hbTimer);
      if (tickTimer !== null) clearInterval(tickTimer);
      updates.close();
      client.close();
      await Promise.allSettled([...background, replication.idle()]);
    },
    setSubnets(subnets) { ownership = createOwnership(ha, subnets); },
    configChanged(json) { if (!stopped) replication.changed(json); },
    configPush: (args) => replication.receive(args),
    heartbeatNow,

    heartbeat() {
      return heartbeatAnswer.build({
        state, dateTime: formatHttpDate(clock.now()), scopes: scopeNames(currentScope()),
        unsentUpdateCount: updates.unsentCount(), configHash: replication.hash(),
      });
    },
    applyPartnerLeases,
    syncCompleteNotify(origin) {
      opts.setServing?.(true, origin ?? 'ha-partner');
      if (started) track(heartbeatNow());
    },
    reset() {
      resetRequested = true;
      evaluate();
    },
    async maintenanceStart() {
      if (state === 'in-maintenance' || state === 'partner-in-maintenance') return refuse(`the server is already in ${state}`);
      // The partner's leases must all be here before it stops: only from the normal state, where
      // both have exchanged what they granted apart and every change is acknowledged.
      const normal = normalState(ha.mode);
      if (state !== normal || view !== normal) {
        return refuse(`maintenance starts only when both servers are in ${normal} (this server: ${state}, partner: ${view}); wait for them to finish syncing`);
      }
      const r = await send(haMaintenanceNotify.build({ serverName: me.name, cancel: false, state }));
      // Maintenance hands the partner's clients and free addresses over at once, which is safe only
      // when the partner agreed to stop serving. Unreachable: refuse (use ha-partner-down instead).
      if (!r.ok) return refuse('the partner is unreachable; maintenance needs its agreement (use ha-partner-down if it is known to be off)');
      if (r.answer.result !== RESULT.SUCCESS) return refuse(`the partner refused maintenance: ${r.answer.text}`);
      maintenance = 'start';
      evaluate();
      return ok('Server is now in the partner-in-maintenance state; the partner may be shut down.');
    },
    async maintenanceCancel() {
      if (state !== 'partner-in-maintenance' && state !== 'in-maintenance') return refuse(`no maintenance to cancel (state is ${state})`);
      if (state === 'partner-in-maintenance') await send(haMaintenanceNotify.build({ serverName: me.name, cancel: true, state }));
      maintenance = 'cancel';
      evaluate();
      return ok('Server maintenance successfully canceled.');
    },
    maintenanceNotify(cancel) {
      if (!cancel && state === 'in-maintenance') return ok('Server is already in maintenance.');
      const normal = normalState(ha.mode);
      if (!cancel && (state !== normal || updates.backlogCount() > 0)) {
        return refuse(`this server is in ${state}${updates.backlogCount() > 0 ? ` with ${updates.backlogCount()} changes not yet sent` : ''}; maintenance starts from ${normal} only`);
      }
      maintenance = cancel ? 'cancel' : 'notified';
      evaluate();
      return ok(cancel ? 'Server maintenance canceled.' : 'Server is in-maintenance state.');
    },
    continue() {
      if (state !== 'terminated') return ok(`HA state machine is not paused (state is ${state}).`);
      resetRequested = true;
      track(heartbeatNow());
      evaluate();
      const s = state as HaState;
      return s === 'terminated'
        ? refuse(`still terminated: ${terminatedReason ?? 'the clocks or lease conflicts still disagree'}`)
        : ok('HA state machine continues.');
    },
    setScopes(scopes) {
      const known = new Set([me.name, partner.name]);
      const unknown = scopes.filter((s) => !known.has(s));
      if (unknown.length > 0) return refuse(`unknown scope(s): ${unknown.join(', ')}`);
      const set = new Set(scopes);
      // hot-standby: every client is the primary's, so the primary's scope is all of them.
      const primaryName = role === 'primary' ? me.name : partner.name;
      scopeOverride = set.size === 0 ? 'none'
        : set.size === 2 || (ha.mode === 'hot-standby' && set.has(primaryName)) ? 'all'
        : set.has(me.name) ? 'own' : 'all';
      return ok('New HA scopes configured.');
    },
    async sync() {
      const r = await syncFromPartner({
        send, apply: (c) => applyPartnerLeases(c, false), pageLimit: ha.syncPageLimit, pageTimeoutMs: ha.syncTimeoutMs,
        disablePartner: false, originId: ORIGIN_ID,
      });
      return r.ok ? { ok: true, text: `Lease database synchronization complete (${r.leases} leases).`, leases: r.leases }
        : { ok: false, text: `Lease database synchronization failed: ${r.error}`, leases: r.leases };
    },
    partnerDown() {
      if (state === 'partner-down') {
        // Entered automatically; the operator now vouches that the partner is down.
        downCause = 'command';
        declaredDownAtMs = clock.monotonicMs();
        evaluate();
        return ok('Server is in partner-down; the partner is now declared down by command.');
      }
      partnerDownCommand = true;
      evaluate();
      const s = state as HaState;
      if (s === 'partner-down') return ok('Server transitioned to partner-down.');
      partnerDownCommand = false;
      return refuse(view === 'unavailable' ? `cannot enter partner-down from ${state}` : `the partner answers (state ${view}); refusing partner-down`);
    },
    status() {
      const snap = detector.snapshot();
      const policyNow = allocationPolicy(state, { declaredDownForMs: facts().declaredDownForMs, partnerDownCause: downCause }, ha.mcltSec);
      return {
        'ha-mode': ha.mode,
        'ha-servers': {
          local: { role, scopes: scopeNames(currentScope()), state, 'server-name': me.name },
          remote: {
            age: lastContactAt === null ? null : Math.max(0, Math.round(clock.now() - lastContactAt)),
            'in-touch': view !== 'unavailable',
            role: partner.role,
            'last-scopes': [...partnerScopes],
            'last-state': view,
            'communication-interrupted': view === 'unavailable' && clock.monotonicMs() - lastContactMs > ha.maxResponseDelayMs,
            'connecting-clients': snap.connectingClients,
            'unacked-clients': snap.unackedClients,
            'unacked-clients-left': snap.unackedClientsLeft,
            'analyzed-packets': snap.analyzedPackets,
            'server-name': partner.name,
            'clock-skew': skewSec,
            'unsent-update-count': partnerUnsent,
            'last-error': lastError,
          },
        },
        'clock-skew': skewSec,
        'unsent-update-count': updates.unsentCount(),
        'pending-updates': updates.pendingCount(),
        'held-updates': updates.backlogCount(),
        'config-hash': replication.hash(),
        'config-hash-matches': replication.matches(),
        ...replication.status(),
        'partner-down-cause': downCause,
        'leases-synced': caughtUp,
        'terminated-reason': state === 'terminated' ? terminatedReason : null,
        'lease-cap-mclt': mcltCap ? ha.mcltSec : null,
        'partner-addresses-usable': policyNow.partnerAddressesUsable && partnerAddressesInUse,
        'rejected-lease-updates': rejected.size,
        sync,
      };
    },
  };
  return service;
}
