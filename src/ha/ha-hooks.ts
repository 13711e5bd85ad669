import { parseHex } from '../util/index.ts';
import type { Ip4 } from '../util/index.ts';
import type { HaMode, HaRole, Lease4 } from '../model/index.ts';
import { leaseExpiry } from '../model/index.ts';
import type { AddressPolicy4 } from '../alloc/index.ts';
import { leaseBelongsTo } from '../alloc/index.ts';
import type { Exchange4, ExchangeHooks4 } from '../dhcp4/index.ts';
import { isPrimaryClient, lbKey } from './scopes.ts';
import type { Owner, Ownership } from './ownership.ts';
import type { ServedScope } from './states.ts';

/** What the hooks read from the running service on every exchange (cheap getters, no I/O). */
export type HaHookState = {
  readonly mode: HaMode;
  readonly role: HaRole;
  readonly loadBalancePercent: number;
  /** Which clients this server answers now. */
  scope(): ServedScope;
  /** The partner is not in touch: queries of its clients feed the unacked-clients detector. */
  partnerUnavailable(): boolean;
  observePartnerClient(query: { readonly hwAddress: string; readonly clientId: string | null; readonly secs: number }): void;
  /** Leases are capped at MCLT (no partner ack stands behind them). */
  mcltCapSec(): number | null;
  /** Lease updates are sent and acked in this state: the ACK waits for the partner. */
  needsAck(): boolean;
  waitForAck(lease: Lease4): Promise<boolean>;
  ownership(): Ownership;
  mayUseOthers(): boolean;
  /** False until the store is known to hold the partner's leases (no free address may be handed out). */
  mayAllocate?(): boolean;
  /** The lease the partner holds for this address, as far as this server knows (acked or received). */
  known?(address: Ip4): Lease4 | undefined;
  /** A lease for this address sent to the partner and never acked: it may hold it, or not. */
  inDoubt?(address: Ip4): Lease4 | undefined;
  /**
   * When an address the partner knows as another client's may go to a new client while the partner
   * cannot ack (epoch seconds), or null while it may not at all (the partner may still be renewing it).
   */
  reuseAt?(partnerLease: Lease4): number | null;
  /** Wall clock, epoch seconds. */
  now?(): number;
};

/** The same version of one lease (what an ack or an update carried). */
function sameVersion(a: Lease4, b: Lease4): boolean {
  return a.cltt === b.cltt && a.validLifetime === b.validLifetime && a.state === b.state
    && a.hwAddress === b.hwAddress && a.clientId === b.clientId;
}

/** A lease that binds (or bound) the address to a client other than this one. */
function namesAnotherClient(lease: Lease4, client: Exchange4['client'], matchClientId: boolean): boolean {
  return (lease.hwAddress !== '' || lease.clientId !== null) && !leaseBelongsTo(lease, client, matchClientId);
}

/** The partner holds this lease for this client, bound (failover-12: its acknowledged binding). */
function partnerBinding(s: HaHookState, address: Ip4, client: Exchange4['client'], matchClientId: boolean): Lease4 | null {
  const k = s.known?.(address);
  return k !== undefined && k.state === 'default' && leaseBelongsTo(k, client, matchClientId) ? k : null;
}

/** Whether this client belongs to the primary's share (hot-standby: every client is the primary's). */
export function isPrimaryQuery(mode: HaMode, loadBalancePercent: number, ex: Exchange4): boolean | null {
  if (mode === 'hot-standby') return true;
  const cid = ex.client.clientId !== null ? parseHex(ex.client.clientId) : null;
  const chaddr = ex.client.hwAddress !== '' ? parseHex(ex.client.hwAddress) : new Uint8Array(0);
  const key = lbKey(cid, chaddr ?? new Uint8Array(0));
  return key === null ? null : isPrimaryClient(key, loadBalancePercent);
}

/**
 * The exchange hooks and the address policy that put a DHCPv4 server under HA (Kea's query filter
 * and lease-update parking, failover-12's pool rules): runtime installs them on the processor and
 * the allocation engine.
 */
export function createHaHooks(s: HaHookState): { readonly hooks: ExchangeHooks4; readonly policy: AddressPolicy4 } {
  const mine: Owner = s.role === 'primary' ? 'primary' : 'secondary';
  const hooks: ExchangeHooks4 = {
    admit(ex) {
      const scope = s.scope();
      if (scope === 'all') return true;
      const primaryClient = isPrimaryQuery(s.mode, s.loadBalancePercent, ex);
      if (primaryClient === null) return false;
      const ours = scope === 'own' && primaryClient === (s.role === 'primary');
      const partners = primaryClient !== (s.role === 'primary');
      if (!ours && partners && s.partnerUnavailable()) {
        s.observePartnerClient({ hwAddress: ex.client.hwAddress, clientId: ex.client.clientId, secs: ex.request.secs });
      }
      return ours;
    },
    maxLifetime: (ex, address) => capFor(address, ex.client, ex.subnet?.matchClientId ?? true),
    // The state may change while the lease is being made durable: a lease granted under the normal
    // state's rules (no cap) is ACKed only once the partner has it, whatever the state is now.
    afterCommit: (lease, ex) => {
      if (s.needsAck()) return s.waitForAck(lease);
      const cap = capFor(lease.address, ex.client, ex.subnet?.matchClientId ?? true);
      return cap === null || lease.validLifetime <= cap ? Promise.resolve(true) : s.waitForAck(lease);
    },
  };
  /**
   * failover-12's MCLT rule: without the partner's ack a lease may run at most MCLT past the expiry
   * the partner knows for this client's binding (MCLT from now for a binding it does not know).
   */
  function capFor(address: Ip4, client: Exchange4['client'], matchClientId: boolean): number | null {
    const cap = s.mcltCapSec();
    if (cap === null) return null;
    const bound = partnerBinding(s, address, client, matchClientId);
    const now = s.now?.() ?? Date.now() / 1000;
    return bound === null ? cap : Math.max(0, Math.floor(leaseExpiry(bound) - now)) + cap;
  }
  const policy: AddressPolicy4 = {
    owns(_subnetId: number, address: Ip4) {
      if (s.mayAllocate !== undefined && !s.mayAllocate()) return false;
      const owner = s.ownership().ownerOf(address);
      return owner === null || owner === mine;
    },
    mayUseOthers: () => s.mayUseOthers() && (s.mayAllocate === undefined || s.mayAllocate()),
    refuse(subnet, client, address, reserved, existing) {
      const partners = !reserved && !policy.mayUseOthers() && !policy.owns(subnet.id, address) ? "is the HA partner's to hand out" : null;
      // In the normal state the partner acks every change and refuses clashing ones: ownership suffices.
      if (s.needsAck()) return partners;
      // The partner knows this client holds this address, and so does not give it to anyone else:
      // giving it back cannot clash (failover-12: a server may always extend an acknowledged binding).
      if (partnerBinding(s, address, client, subnet.matchClientId) !== null) return null;
      if (partners !== null) return partners;
      // A binding of another client that the partner holds, or may hold, and cannot hear has ended
      // here: the partner may be renewing it right now (failover-12: an expired lease becomes free
      // only once the partner acknowledges it). It may hold what it acked or sent us, what we sent
      // and it never acked, and the stored lease unless it acked exactly that one: the stored lease
      // may have reached it in a sync page, and our expiry or release of it has not.
      const known = s.known?.(address);
      const stored = existing !== null && (known === undefined || !sameVersion(known, existing)) ? existing : null;
      for (const [k, endedCounts] of [[known, false], [s.inDoubt?.(address), false], [stored, true]] as const) {
        if (k == null || !namesAnotherClient(k, client, subnet.matchClientId)) continue;
        if (k.state !== 'default' && !(endedCounts && k.state === 'expired-reclaimed')) continue;
        const at = s.reuseAt?.(k) ?? null;
        const now = s.now?.() ?? Date.now() / 1000;
        if (at === null) return 'was leased to another client, and the partner (out of touch) may still be renewing it';
        if (now < at) return `was leased to another client; reusable at ${new Date(at * 1000).toISOString()} (MCLT after that lease's end)`;
      }
      return null;
    },
  };
  return { hooks, policy };
}
