import { assertNever } from '../util/index.ts';
import type { HaConfig, HaMode, HaRole } from '../model/index.ts';

/**
 * The HA states, named as Kea names them. tandem's "communications interrupted" phase is Kea's
 * `communication-recovery`, used in both modes (docs/ha.md "States" says why).
 */
export type HaState =
  | 'waiting' | 'syncing' | 'ready'
  | 'load-balancing' | 'hot-standby' | 'communication-recovery'
  | 'partner-down' | 'partner-in-maintenance' | 'in-maintenance'
  | 'terminated' | 'backup';

export const HA_STATES = [
  'waiting', 'syncing', 'ready', 'load-balancing', 'hot-standby', 'communication-recovery',
  'partner-down', 'partner-in-maintenance', 'in-maintenance', 'terminated', 'backup',
] as const satisfies readonly HaState[];

/** What this server knows of its partner: its last reported state, or that it did not answer. */
export type PartnerView = HaState | 'unavailable';

/** Why partner-down was entered; only some causes let the survivor use the partner's free addresses. */
export type PartnerDownCause = 'command' | 'unacked-clients' | 'maintenance' | 'switchover' | 'interruption';

/** An operator's maintenance request, as seen by this server. */
export type MaintenanceRequest =
  | 'none'
  | 'start'     // ha-maintenance-start here: the partner goes to in-maintenance, this one takes over
  | 'notified'  // ha-maintenance-notify from the partner: this server goes to in-maintenance
  | 'cancel';   // ha-maintenance-cancel (or a notify with cancel: true)

export type SyncStatus = 'idle' | 'running' | 'done' | 'failed';

/** Everything decide() needs to know besides the two states. Durations are measured by the service. */
export type HaFacts = {
  /** Milliseconds since the last successful exchange with the partner (or since start, if none). */
  readonly sinceContactMs: number;
  /** Milliseconds since the current interruption began (last contact); null when none is running. */
  readonly interruptedForMs: number | null;
  /** Clients in the partner's scope seen retrying with secs ≥ max-ack-delay (facts.ts). */
  readonly unackedClients: number;
  /** Partner's clock minus ours, in seconds; null before the first heartbeat. */
  readonly clockSkewSec: number | null;
  /** Lease updates the partner refused with a conflict (result 4), distinct clients. */
  readonly rejectedUpdates: number;
  readonly maintenance: MaintenanceRequest;
  /** The operator declared the partner down (tandem's command; Windows' -PartnerDown). */
  readonly partnerDownCommand: boolean;
  /** ha-reset received (or ha-continue for a server in terminated). */
  readonly resetRequested: boolean;
  readonly sync: SyncStatus;
  /** The partner's unsent-update-count changed while it was away: it granted leases we lack. */
  readonly partnerUnsentChanged: boolean;
  /** Whether the partner's heartbeat config-hash equals ours; null when unknown. */
  readonly configHashMatches: boolean | null;
  /** The cause recorded when partner-down was entered (the service keeps it); null otherwise. */
  readonly partnerDownCause: PartnerDownCause | null;
  /** Milliseconds since the operator declared the partner down (ha-partner-down); null when not declared. */
  readonly declaredDownForMs: number | null;
  /** Whether the allocator currently may take the partner's free addresses (the service's last applied value). */
  readonly partnerAddressesInUse: boolean;
};

export const NO_FACTS: HaFacts = Object.freeze({
  sinceContactMs: 0, interruptedForMs: null, unackedClients: 0, clockSkewSec: null, rejectedUpdates: 0,
  maintenance: 'none', partnerDownCommand: false, resetRequested: false, sync: 'idle',
  partnerUnsentChanged: false, configHashMatches: null, partnerDownCause: null, declaredDownForMs: null, partnerAddressesInUse: false,
});

export type HaDecideConfig = Pick<HaConfig,
  | 'mode' | 'maxResponseDelayMs' | 'maxUnackedClients' | 'maxRejectedLeaseUpdates' | 'syncLeases'
  | 'mcltSec' | 'stateSwitchoverIntervalSec' | 'clockSkewWarnSec' | 'clockSkewTerminateSec'>;

export type ServedScope = 'own' | 'all' | 'none';

export type AllocationPolicy = {
  /** New addresses only from the free addresses this server owns (ownership.ts). */
  readonly fromOwnOnly: boolean;
  /** Every lease granted or renewed is capped at MCLT (no partner ack stands behind it). */
  readonly mcltCap: boolean;
  /** The partner's free addresses may be allocated. */
  readonly partnerAddressesUsable: boolean;
};

/** The effects decide() asks the service to carry out, in order. Plain data. */
export type HaEffect =
  | { readonly kind: 'log'; readonly id: 'HA_STATE_TRANSITION'; readonly from: HaState; readonly to: HaState; readonly partner: PartnerView; readonly reason: string }
  | { readonly kind: 'log'; readonly id: 'HA_CLOCK_SKEW' | 'HA_CONFIG_MISMATCH'; readonly partner: PartnerView; readonly detail: string }
  | { readonly kind: 'warn-clock-skew'; readonly skewSec: number }
  | { readonly kind: 'serve-scopes'; readonly scope: 'own' | 'all' }
  | { readonly kind: 'stop-serving' }
  | { readonly kind: 'cap-leases-at-mclt'; readonly on: boolean }
  | { readonly kind: 'use-partner-addresses'; readonly on: boolean }
  | { readonly kind: 'send-lease-updates'; readonly on: boolean }
  | { readonly kind: 'enter-partner-down'; readonly cause: PartnerDownCause }
  /** Pull the partner's leases (lease4-get-page). disablePartner: send dhcp-disable first, as Kea does. */
  | { readonly kind: 'start-sync'; readonly disablePartner: boolean }
  | { readonly kind: 'notify-sync-complete' }
  | { readonly kind: 'send-heartbeat' }
  | { readonly kind: 'schedule-heartbeat' }
  | { readonly kind: 'stop-heartbeat' }
  | { readonly kind: 'reset-partner' }
  | { readonly kind: 'clear-requests' };

export type DecideInput = {
  readonly me: HaState;
  readonly partner: PartnerView;
  readonly facts: HaFacts;
  readonly config: HaDecideConfig;
  readonly role: HaRole;
  /** This server's peers[].auto-failover; false: in partner-down it still serves only its own clients. */
  readonly autoFailover?: boolean;
};

export type Decision = { readonly next: HaState; readonly effects: readonly HaEffect[] };

/** The normal state of a mode. */
export function normalState(mode: HaMode): 'load-balancing' | 'hot-standby' {
  return mode === 'load-balancing' ? 'load-balancing' : 'hot-standby';
}

/** Whether a server in this state answers DHCP at all. */
export function servesDhcp(state: HaState): boolean {
  switch (state) {
    case 'load-balancing': case 'hot-standby': case 'communication-recovery':
    case 'partner-down': case 'partner-in-maintenance': case 'terminated':
      return true;
    case 'waiting': case 'syncing': case 'ready': case 'in-maintenance': case 'backup':
      return false;
    default:
      return assertNever(state, 'HA state');
  }
}

/** Which clients this server answers: its own scope (RFC 3074 split / hot-standby primary), all, or none. */
export function servedScopes(
  mode: HaMode, role: HaRole, state: HaState, opts: { readonly autoFailover?: boolean } = {},
): ServedScope {
  if (!servesDhcp(state)) return 'none';
  // A hot-standby standby has no clients of its own: it answers only when it has taken over.
  const own: ServedScope = role === 'backup' || (mode === 'hot-standby' && role !== 'primary') ? 'none' : 'own';
  switch (state) {
    case 'load-balancing': case 'hot-standby': case 'communication-recovery': case 'terminated':
      return own;
    case 'partner-down':
      return opts.autoFailover === false ? own : 'all';
    case 'partner-in-maintenance':
      return 'all';
    case 'waiting': case 'syncing': case 'ready': case 'in-maintenance': case 'backup':
      return 'none';
    default:
      return assertNever(state, 'HA state');
  }
}

/** Causes that establish the partner is not allocating (an operator's word, or clients it leaves unanswered). */
// Unacked-clients evidence is not enough: a partition that also splits the clients shows each side
// the other's clients retrying, and both would take each other's free addresses.
const UNLOCKING_CAUSES: ReadonlySet<PartnerDownCause> = new Set(['command', 'maintenance']);

/**
 * The allocation safety rules (failover-12 §5.2.1, DESIGN "The HA model"):
 * - interrupted: own free addresses only, every lease capped at MCLT;
 * - partner-down: the partner's free addresses only when the partner is known to have stopped: at
 *   once after an agreed maintenance, MCLT after the operator declared it down (failover-12's
 *   "MCLT after entering partner-down", as dhcpd and Windows: the partner may have served alone
 *   right up to then). After an automatic switchover or the unacked-clients evidence the partner
 *   may be alive behind a partition, so its free addresses stay its own (docs/ha.md).
 */
export function allocationPolicy(state: HaState, facts: Pick<HaFacts, 'declaredDownForMs' | 'partnerDownCause'>, mcltSec: number): AllocationPolicy {
  switch (state) {
    case 'load-balancing': case 'hot-standby':
      return { fromOwnOnly: true, mcltCap: false, partnerAddressesUsable: false };
    case 'communication-recovery': case 'terminated':
      return { fromOwnOnly: true, mcltCap: true, partnerAddressesUsable: false };
    case 'partner-in-maintenance':
      // The partner is up, not serving, and acks every update: its addresses are safe to use.
      return { fromOwnOnly: false, mcltCap: false, partnerAddressesUsable: true };
    case 'partner-down': {
      const cause = facts.partnerDownCause;
      const mcltPassed = facts.declaredDownForMs !== null && facts.declaredDownForMs >= mcltSec * 1000;
      const usable = cause !== null && UNLOCKING_CAUSES.has(cause) && (cause === 'maintenance' || mcltPassed);
      return { fromOwnOnly: !usable, mcltCap: true, partnerAddressesUsable: usable };
    }
    case 'waiting': case 'syncing': case 'ready': case 'in-maintenance': case 'backup':
      return { fromOwnOnly: true, mcltCap: false, partnerAddressesUsable: false };
    default:
      return assertNever(state, 'HA state');
  }
}

/** Partner states in which it serves and can be synced from. */
function isOperational(p: PartnerView): boolean {
  return p === 'load-balancing' || p === 'hot-standby' || p === 'communication-recovery'
    || p === 'partner-down' || p === 'partner-in-maintenance' || p === 'ready' || p === 'in-maintenance';
}

type Step = { readonly next: HaState; readonly reason: string; readonly cause?: PartnerDownCause; readonly effects?: readonly HaEffect[] };

const stay = (me: HaState, extra: readonly HaEffect[] = []): Step => ({ next: me, reason: '', effects: extra });

/**
 * Whether the partner should be declared down now, and why. Interruption (no contact for more than
 * max-response-delay) is required except for the operator's command, which is honoured only while the
 * partner does not answer.
 */
export function partnerDownCause(
  facts: HaFacts, config: HaDecideConfig, partner: PartnerView,
): PartnerDownCause | null {
  if (partner !== 'unavailable') return null;
  if (facts.partnerDownCommand) return 'command';
  if (facts.sinceContactMs <= config.maxResponseDelayMs) return null;
  if (config.maxUnackedClients === 0) return 'interruption';
  if (facts.unackedClients > config.maxUnackedClients) return 'unacked-clients';
  const s = config.stateSwitchoverIntervalSec;
  if (s !== null && (facts.interruptedForMs ?? 0) >= s * 1000) return 'switchover';
  return null;
}

function isInterrupted(facts: HaFacts, config: HaDecideConfig, partner: PartnerView): boolean {
  return partner === 'unavailable' && facts.sinceContactMs > config.maxResponseDelayMs;
}

function toPartnerDown(cause: PartnerDownCause): Step {
  return { next: 'partner-down', reason: `partner declared down (${cause})`, cause };
}

/** The per-state rules, once the global checks (terminate, reset, maintenance) have passed. */
function stateStep(input: DecideInput): Step {
  const { me, partner, facts, config, role } = input;
  const normal = normalState(config.mode);
  const otherNormal = config.mode === 'load-balancing' ? 'hot-standby' : 'load-balancing';
  const primary = role === 'primary';
  const interrupted = isInterrupted(facts, config, partner);
  const downCause = partnerDownCause(facts, config, partner);
  switch (me) {
    case 'backup':
      return stay(me);
    case 'waiting':
      // Not serving, this server cannot observe the partner's clients: interruption alone decides (as Kea).
      if (interrupted || downCause !== null) return toPartnerDown(downCause ?? 'interruption');
      if (partner === 'waiting' && !primary) return stay(me);
      if (isOperational(partner) || partner === 'waiting') {
        return config.syncLeases
          ? { next: 'syncing', reason: `partner is ${partner}` }
          : { next: 'ready', reason: `partner is ${partner}; sync-leases is off` };
      }
      return stay(me);
    case 'syncing':
      if (interrupted) return toPartnerDown(downCause ?? 'interruption');
      if (facts.sync === 'done') return { next: 'ready', reason: 'lease sync complete', effects: [{ kind: 'notify-sync-complete' }] };
      if (facts.sync === 'failed') return stay(me, [{ kind: 'start-sync', disablePartner: true }]);
      return stay(me);
    case 'ready':
      if (interrupted || downCause !== null) return toPartnerDown(downCause ?? 'interruption');
      if (partner === normal || partner === 'communication-recovery') return { next: normal, reason: `partner is ${partner}` };
      if (partner === 'ready' && primary) return { next: normal, reason: 'both ready; primary goes first' };
      if (partner === 'in-maintenance') return { next: 'partner-in-maintenance', reason: 'partner is in maintenance' };
      if (partner === 'partner-in-maintenance') return { next: 'in-maintenance', reason: 'partner took over for maintenance' };
      return stay(me);
    case 'load-balancing': case 'hot-standby':
      if (me !== normal) return { next: 'waiting', reason: `mode is now ${config.mode}` };
      if (partner === otherNormal) return { next: 'waiting', reason: `partner runs the other mode (${partner})` };
      if (partner === 'terminated') return { next: 'terminated', reason: 'partner is terminated' };
      if (partner === 'partner-down') return { next: 'waiting', reason: 'partner served alone; resync' };
      if (partner === 'in-maintenance') return { next: 'partner-in-maintenance', reason: 'partner is in maintenance' };
      if (partner === 'partner-in-maintenance') return { next: 'in-maintenance', reason: 'partner took over for maintenance' };
      if (downCause !== null) return toPartnerDown(downCause);
      if (interrupted) return { next: 'communication-recovery', reason: `no contact for ${facts.sinceContactMs} ms` };
      return stay(me);
    case 'communication-recovery':
      if (downCause !== null) return toPartnerDown(downCause);
      if (partner === 'unavailable') return stay(me);
      if (partner === otherNormal) return { next: 'waiting', reason: `partner runs the other mode (${partner})` };
      if (partner === 'partner-down') return { next: 'waiting', reason: 'partner served alone; resync' };
      if (partner === 'terminated') return { next: 'terminated', reason: 'partner is terminated' };
      // Contact is back: exchange what each granted while apart, still serving, then go normal.
      if (facts.sync === 'done') return { next: normal, reason: 'leases exchanged after the interruption' };
      if (facts.sync === 'idle' || facts.sync === 'failed') return stay(me, [{ kind: 'start-sync', disablePartner: false }]);
      return stay(me);
    case 'partner-down':
      if (partner === 'unavailable' || partner === 'waiting' || partner === 'syncing' || partner === 'in-maintenance' || partner === 'terminated') return stay(me);
      if (partner === 'ready') {
        // The partner pulled our leases; pull its leases too, still serving. Its unsent-update-count
        // cannot tell: a partner that restarted while apart counts from zero again.
        if (!config.syncLeases || facts.sync === 'done') return { next: normal, reason: 'partner is back and synced' };
        if (facts.sync === 'idle' || facts.sync === 'failed') return stay(me, [{ kind: 'start-sync', disablePartner: false }]);
        return stay(me);
      }
      // Both served alone (a healed partition): the primary keeps serving, the other resyncs.
      if (partner === 'partner-down' && primary) return stay(me);
      return { next: 'waiting', reason: `partner is ${partner}; resync` };
    case 'partner-in-maintenance':
      if (partner === 'unavailable') return toPartnerDown('maintenance');
      if (partner === 'waiting' || partner === 'syncing' || partner === 'ready') return { next: normal, reason: `partner is ${partner}` };
      return stay(me);
    case 'in-maintenance':
      return stay(me);
    case 'terminated':
      return stay(me);
    default:
      return assertNever(me, 'HA state');
  }
}

function shouldTerminate(facts: HaFacts, config: HaDecideConfig): string | null {
  if (facts.clockSkewSec !== null && Math.abs(facts.clockSkewSec) > config.clockSkewTerminateSec) {
    return `clock skew ${facts.clockSkewSec} s exceeds ${config.clockSkewTerminateSec} s`;
  }
  if (config.maxRejectedLeaseUpdates > 0 && facts.rejectedUpdates >= config.maxRejectedLeaseUpdates) {
    return `${facts.rejectedUpdates} lease updates rejected by the partner`;
  }
  return null;
}

/** The global rules that every state obeys before its own. */
function globalStep(input: DecideInput): Step | null {
  const { me, partner, facts, config } = input;
  if (input.role === 'backup') return me === 'backup' ? null : { next: 'backup', reason: 'this server is a backup' };
  if (me === 'backup') return { next: 'waiting', reason: 'this server is no longer a backup' };
  const terminate = shouldTerminate(facts, config);
  if (me === 'terminated') {
    return facts.resetRequested && terminate === null ? { next: 'waiting', reason: 'reset by command; clocks agree', effects: [{ kind: 'clear-requests' }] } : null;
  }
  if (terminate !== null) return { next: 'terminated', reason: terminate };
  if (facts.resetRequested) return { next: 'waiting', reason: 'reset by command', effects: [{ kind: 'clear-requests' }] };
  switch (facts.maintenance) {
    case 'none': return null;
    case 'notified':
      return me === 'in-maintenance' ? null : { next: 'in-maintenance', reason: 'partner takes over for maintenance', effects: [{ kind: 'clear-requests' }] };
    case 'start':
      if (partner === 'unavailable') return { ...toPartnerDown('maintenance'), effects: [{ kind: 'clear-requests' }] };
      return me === 'partner-in-maintenance' ? null : { next: 'partner-in-maintenance', reason: 'maintenance of the partner started', effects: [{ kind: 'clear-requests' }] };
    case 'cancel':
      if (me === 'in-maintenance') return { next: 'waiting', reason: 'maintenance cancelled', effects: [{ kind: 'clear-requests' }] };
      if (me === 'partner-in-maintenance') return { next: normalState(config.mode), reason: 'maintenance cancelled', effects: [{ kind: 'clear-requests' }] };
      return null;
    default:
      return assertNever(facts.maintenance, 'maintenance request');
  }
}

/** Effects of entering a state: what to serve, how to allocate, heartbeats, sync. */
function entryEffects(input: DecideInput, next: HaState, cause: PartnerDownCause | null): HaEffect[] {
  const { config, role } = input;
  const out: HaEffect[] = [];
  const scope = servedScopes(config.mode, role, next, input.autoFailover === undefined ? {} : { autoFailover: input.autoFailover });
  out.push(scope === 'none' ? { kind: 'stop-serving' } : { kind: 'serve-scopes', scope });
  // Entering partner-down by command declares the partner down now: MCLT runs from here.
  const policy = allocationPolicy(next, { declaredDownForMs: cause === 'command' ? 0 : null, partnerDownCause: cause }, config.mcltSec);
  out.push({ kind: 'cap-leases-at-mclt', on: policy.mcltCap });
  out.push({ kind: 'use-partner-addresses', on: policy.partnerAddressesUsable });
  const sendsUpdates = next === 'load-balancing' || next === 'hot-standby' || next === 'partner-in-maintenance';
  out.push({ kind: 'send-lease-updates', on: sendsUpdates });
  if (next === 'partner-down' && cause !== null) out.push({ kind: 'enter-partner-down', cause });
  if (next === 'terminated' || next === 'backup' || next === 'in-maintenance') out.push({ kind: 'stop-heartbeat' });
  else if (next === 'syncing') out.push({ kind: 'stop-heartbeat' }, { kind: 'start-sync', disablePartner: true });
  else out.push({ kind: 'send-heartbeat' }, { kind: 'schedule-heartbeat' });
  return out;
}

/** Warnings that do not change the state: clock skew over the warning level, config drift. */
function warnings(input: DecideInput): HaEffect[] {
  const { facts, config, partner } = input;
  const out: HaEffect[] = [];
  const skew = facts.clockSkewSec;
  if (skew !== null && Math.abs(skew) > config.clockSkewWarnSec && Math.abs(skew) <= config.clockSkewTerminateSec) {
    out.push({ kind: 'warn-clock-skew', skewSec: skew });
    out.push({ kind: 'log', id: 'HA_CLOCK_SKEW', partner, detail: `partner clock differs by ${skew} s (warning over ${config.clockSkewWarnSec} s, terminated over ${config.clockSkewTerminateSec} s)` });
  }
  if (facts.configHashMatches === false) {
    out.push({ kind: 'log', id: 'HA_CONFIG_MISMATCH', partner, detail: "partner's config-hash differs from ours" });
  }
  return out;
}

/**
 * The HA state machine: a pure function of this server's state, the partner's, and the facts.
 * No clock, no I/O: the service measures, calls decide, and carries out the effects.
 */
export function decide(input: DecideInput): Decision {
  const step = globalStep(input) ?? stateStep(input);
  const effects: HaEffect[] = [...warnings(input), ...(step.effects ?? [])];
  if (step.next !== input.me) {
    const cause = step.next === 'partner-down' ? step.cause ?? input.facts.partnerDownCause : null;
    effects.unshift({ kind: 'log', id: 'HA_STATE_TRANSITION', from: input.me, to: step.next, partner: input.partner, reason: step.reason });
    effects.push(...entryEffects(input, step.next, cause));
  } else if (input.me === 'partner-down') {
    // Within partner-down the partner's addresses become usable once MCLT has passed.
    const usable = allocationPolicy(input.me, input.facts, input.config.mcltSec).partnerAddressesUsable;
    if (usable !== input.facts.partnerAddressesInUse) effects.push({ kind: 'use-partner-addresses', on: usable });
  }
  return { next: step.next, effects };
}
