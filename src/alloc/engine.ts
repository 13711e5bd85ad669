import type { Clock, Ip4 } from '../util/index.ts';
import { inPrefix } from '../util/index.ts';
import type { Lease4, Reservation4, Subnet4 } from '../model/index.ts';
import { leaseExpiry, leaseVersion } from '../model/index.ts';
import type { LeaseChange4, LeaseStore } from '../store/index.ts';
import { StoreConflictError } from '../store/index.ts';
import { type ClientRef4, clientKey, findReservation, leaseBelongsTo, reservationOf } from './client.ts';
import { OfferHolds } from './offer-holds.ts';
import { PoolIndex } from './pool-index.ts';

/** Why an address cannot go to a client; a value, not an exception (R10). */
export type Unavailable = { readonly kind: 'unavailable'; readonly reason: string };

export type Pick4 =
  | { readonly kind: 'address'; readonly address: Ip4; readonly reservation: Reservation4 | null; readonly existing: Lease4 | null }
  | { readonly kind: 'exhausted' }
  | Unavailable;

/**
 * Which free addresses this server may hand out (HA): each free address is owned by one partner,
 * statically from the config; whether it may use the partner's too depends on the HA state.
 * A client's own active lease is always renewable, whoever owns the address.
 */
export type AddressPolicy4 = {
  owns(subnetId: number, address: Ip4): boolean;
  mayUseOthers(): boolean;
  /**
   * The whole judgement on a new allocation (an address that is not the client's active lease),
   * replacing the ownership test when present: why `address` may not go to `client` now, or null.
   * `reserved`: the address is reserved for this client (ownership does not apply); `existing`: the
   * stored lease the new one would replace.
   */
  refuse?(subnet: Subnet4, client: ClientRef4, address: Ip4, reserved: boolean, existing: Lease4 | null): string | null;
};

export type Commit4 = { readonly kind: 'committed'; readonly lease: Lease4 } | Unavailable;

export type LeaseTerms4 = {
  readonly validLifetime: number;
  readonly hostname: string;
};

export type AllocEngineOptions = {
  readonly store: LeaseStore;
  readonly clock: Clock;
  /** How long an OFFERed address stays held for its client. */
  readonly offerHoldSec?: number;
  /** Told when a client's reserved address is leased to someone else (it is served from the pool). */
  readonly onReservationConflict?: (subnet: Subnet4, client: ClientRef4, address: Ip4, reason: string) => void;
};

const CANDIDATE_TRIES = 64;

/**
 * Decides which address a client gets (R6): reservations, the client's current lease, its requested
 * address, then a free pool address. DISCOVER calls `pick` (a dry run that only holds the address);
 * REQUEST calls `commit`, which re-checks and writes through the store with compare-and-set.
 */
export class AllocEngine4 {
  readonly #store: LeaseStore;
  readonly #clock: Clock;
  readonly #holds: OfferHolds;
  #indexes = new Map<number, { subnet: Subnet4; index: PoolIndex }>();
  readonly #unsubscribe: () => void;
  readonly #onConflict: AllocEngineOptions['onReservationConflict'];
  #policy: AddressPolicy4 | null = null;

  constructor(options: AllocEngineOptions) {
    this.#onConflict = options.onReservationConflict;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#holds = new OfferHolds(options.offerHoldSec ?? 10);
    this.#unsubscribe = this.#store.onChange((change) => this.#apply(change));
  }

  /** (Re)builds the pool indexes for these subnets from the store's current leases. */
  async load(subnets: readonly Subnet4[]): Promise<void> {
    const indexes = new Map<number, { subnet: Subnet4; index: PoolIndex }>();
    for (const subnet of subnets) indexes.set(subnet.id, { subnet, index: new PoolIndex(subnet) });
    let after: Ip4 | null = null;
    for (;;) {
      const page = await this.#store.scan4(after, 10_000);
      for (const lease of page) indexes.get(lease.subnetId)?.index.apply(lease, false);
      if (page.length < 10_000) break;
      after = page[page.length - 1]!.address;
    }
    this.#indexes = indexes;
  }

  close(): void { this.#unsubscribe(); }

  /** Installs (or removes) the HA split of free addresses; consulted on every new allocation. */
  setAddressPolicy(policy: AddressPolicy4 | null): void { this.#policy = policy; }

  /** Addresses that can be handed out dynamically and how many look free, per subnet. */
  poolCounts(subnetId: number): { total: number; free: number } {
    const entry = this.#indexes.get(subnetId);
    return entry === undefined ? { total: 0, free: 0 } : { total: entry.index.size, free: entry.index.free };
  }

  /**
   * The client's lease in the subnet: one in the default state if it has one (newest first), else its
   * most recent released or expired one (the address it would like back).
   */
  async currentLease(subnet: Subnet4, client: ClientRef4): Promise<Lease4 | null> {
    const leases: Lease4[] = [];
    if (client.clientId !== null && (subnet.matchClientId || client.hwAddress === '')) {
      leases.push(...await this.#store.find4({ subnetId: subnet.id, clientId: client.clientId }));
    }
    if (client.hwAddress !== '') leases.push(...await this.#store.find4({ subnetId: subnet.id, hwAddress: client.hwAddress }));
    let best: Lease4 | null = null;
    for (const lease of leases) {
      if (!leaseBelongsTo(lease, client, subnet.matchClientId)) continue;
      if (best === null || rank(lease) > rank(best) || (rank(lease) === rank(best) && lease.cltt > best.cltt)) best = lease;
    }
    return best;
  }

  /**
   * Chooses an address for a DISCOVER and holds it for the client; writes nothing.
   * Order: reservation, current lease, requested address, held offer, free pool address.
   */
  async pick(subnet: Subnet4, client: ClientRef4, requested: Ip4 | null): Promise<Pick4> {
    const now = this.#clock.now();
    const reservation = findReservation(subnet, client);
    if (reservation?.address != null) {
      const check = await this.check(subnet, client, reservation.address);
      if (check.kind === 'available') return this.#held(client, reservation.address, reservation, check.existing, now);
      // The reserved address is in use by someone else: serve the client from the pool meanwhile (as Kea).
      this.#onConflict?.(subnet, client, reservation.address, check.reason);
    }
    const current = await this.currentLease(subnet, client);
    const tried = new Set<Ip4>();
    for (const hint of [current?.address ?? null, requested, this.#holds.heldFor(clientKey(client), now)]) {
      if (hint === null || tried.has(hint)) continue;
      tried.add(hint);
      const check = await this.check(subnet, client, hint);
      if (check.kind === 'available') return this.#held(client, hint, null, check.existing, now);
    }
    const index = this.#indexes.get(subnet.id)?.index;
    if (index === undefined) return { kind: 'exhausted' };
    const policy = this.#policy;
    const skip = policy !== null && !policy.mayUseOthers() ? (a: Ip4) => !policy.owns(subnet.id, a) : null;
    for (const candidate of index.candidates(CANDIDATE_TRIES, skip)) {
      const check = await this.check(subnet, client, candidate);
      if (check.kind === 'available') return this.#held(client, candidate, null, check.existing, now);
      if (check.taken) index.markUsed(candidate);
    }
    const reusable = await this.#expiredInSubnet(subnet, client, now);
    if (reusable !== null) return this.#held(client, reusable.address, null, reusable, now);
    return { kind: 'exhausted' };
  }

  /**
   * Can `address` go to `client` in `subnet` now? `existing` is the lease that would be replaced.
   * `taken` says the pool index should see the address as used.
   */
  async check(subnet: Subnet4, client: ClientRef4, address: Ip4):
    Promise<{ kind: 'available'; existing: Lease4 | null } | { kind: 'unavailable'; reason: string; taken: boolean }> {
    const now = this.#clock.now();
    if (!inPrefix(address, subnet.network, subnet.prefixLength)) return no('is outside the subnet');
    const index = this.#indexes.get(subnet.id)?.index;
    const reserved = reservationOf(subnet, address);
    if (reserved !== null) {
      if (reserved !== findReservation(subnet, client)) return no('is reserved for another client');
    } else {
      if (index === undefined || !index.inPools(address)) return no('is not in a pool of the subnet');
      if (index.isBlocked(address)) return no('is excluded');
    }
    if (this.#holds.heldByOther(address, clientKey(client), now)) return no('is offered to another client');
    const existing = await this.#store.get4(address);
    const active = existing !== null && existing.state === 'default' && leaseExpiry(existing) > now;
    if (active && leaseBelongsTo(existing, client, subnet.matchClientId)) return { kind: 'available', existing };
    if (active) return no('is leased to another client', true);
    if (existing !== null && existing.state === 'declined' && leaseExpiry(existing) > now) return no('is declined and in probation', true);
    // A free address (never leased, released, expired, or out of probation): a new allocation.
    const policy = this.#policy;
    if (policy?.refuse !== undefined) {
      const why = policy.refuse(subnet, client, address, reserved !== null, existing);
      if (why !== null) return no(why);
    } else if (reserved === null && policy !== null && !policy.mayUseOthers() && !policy.owns(subnet.id, address)) {
      return no("is the HA partner's to hand out");
    }
    return { kind: 'available', existing };
  }

  /** Writes the lease for a REQUEST (or an INIT-REBOOT/renewal) after re-checking the address. */
  async commit(subnet: Subnet4, client: ClientRef4, address: Ip4, terms: LeaseTerms4): Promise<Commit4> {
    const check = await this.check(subnet, client, address);
    if (check.kind !== 'available') return { kind: 'unavailable', reason: check.reason };
    const lease: Lease4 = {
      address,
      hwAddress: client.hwAddress,
      clientId: client.clientId,
      subnetId: subnet.id,
      cltt: Math.floor(this.#clock.now()),
      validLifetime: terms.validLifetime,
      hostname: terms.hostname,
      state: 'default',
    };
    try {
      if (check.existing === null) await this.#store.insert4(lease);
      else await this.#store.update4(lease, leaseVersion(check.existing));
    } catch (error) {
      if (error instanceof StoreConflictError) return { kind: 'unavailable', reason: 'was changed by a concurrent request' };
      throw error;
    }
    this.#holds.releaseClient(clientKey(client));
    this.#indexes.get(subnet.id)?.index.markUsed(address);
    const renewal = check.existing !== null && check.existing.state === 'default' && leaseBelongsTo(check.existing, client, subnet.matchClientId);
    if (!renewal) await this.#releaseOthers(subnet, client, address);
    return { kind: 'committed', lease };
  }

  /** RELEASE: the lease stays as expired-reclaimed (affinity: the client gets it back if still free). */
  async release(subnet: Subnet4, client: ClientRef4, address: Ip4): Promise<Lease4 | null> {
    const existing = await this.#store.get4(address);
    if (existing === null || existing.state !== 'default' || existing.subnetId !== subnet.id) return null;
    if (!leaseBelongsTo(existing, client, subnet.matchClientId)) return null;
    const released: Lease4 = { ...existing, state: 'expired-reclaimed', cltt: Math.floor(this.#clock.now()), validLifetime: 0 };
    return (await this.#casUpdate(released, existing)) ? released : null;
  }

  /** DECLINE: the address is set aside for the probation period and belongs to no client. */
  async decline(subnet: Subnet4, client: ClientRef4, address: Ip4, probationSec: number): Promise<Lease4 | null> {
    const existing = await this.#store.get4(address);
    if (existing === null || existing.state !== 'default' || existing.subnetId !== subnet.id) return null;
    if (!leaseBelongsTo(existing, client, subnet.matchClientId)) return null;
    const declined: Lease4 = {
      address, hwAddress: '', clientId: null, subnetId: subnet.id, hostname: '', state: 'declined',
      cltt: Math.floor(this.#clock.now()), validLifetime: probationSec,
    };
    return (await this.#casUpdate(declined, existing)) ? declined : null;
  }

  /** Client moved on (chose another server): forget its hold. */
  forgetOffer(client: ClientRef4): void { this.#holds.releaseClient(clientKey(client)); }

  sweep(): void { this.#holds.sweep(this.#clock.now()); }

  #held(client: ClientRef4, address: Ip4, reservation: Reservation4 | null, existing: Lease4 | null, now: number): Pick4 {
    this.#holds.hold(address, clientKey(client), now);
    return { kind: 'address', address, reservation, existing };
  }

  async #expiredInSubnet(subnet: Subnet4, client: ClientRef4, now: number): Promise<Lease4 | null> {
    const expired = await this.#store.expiredBefore4(now, 256);
    for (const lease of expired) {
      if (lease.subnetId !== subnet.id) continue;
      const check = await this.check(subnet, client, lease.address);
      if (check.kind === 'available') return lease;
    }
    return null;
  }

  /** Compare-and-set update; false when the lease changed meanwhile (a concurrent renewal won). */
  async #casUpdate(next: Lease4, expected: Lease4): Promise<boolean> {
    try {
      await this.#store.update4(next, leaseVersion(expected));
      return true;
    } catch (error) {
      if (error instanceof StoreConflictError) return false;
      throw error;
    }
  }

  /** A client holds one lease per subnet: one it had before under another address is released. */
  async #releaseOthers(subnet: Subnet4, client: ClientRef4, kept: Ip4): Promise<void> {
    const query = subnet.matchClientId && client.clientId !== null
      ? { subnetId: subnet.id, clientId: client.clientId } : { subnetId: subnet.id, hwAddress: client.hwAddress };
    for (const old of await this.#store.find4(query)) {
      if (old.address === kept || old.state !== 'default' || !leaseBelongsTo(old, client, subnet.matchClientId)) continue;
      await this.#casUpdate({ ...old, state: 'expired-reclaimed', cltt: Math.floor(this.#clock.now()), validLifetime: 0 }, old);
    }
  }

  #apply(change: LeaseChange4): void {
    this.#indexes.get(change.lease.subnetId)?.index.apply(change.lease, change.kind === 'remove');
  }
}

/** Preference among a client's leases: assigned, then released/expired, then anything else. */
function rank(lease: Lease4): number {
  return lease.state === 'default' ? 2 : lease.state === 'expired-reclaimed' ? 1 : 0;
}

function no(reason: string, taken = false): { kind: 'unavailable'; reason: string; taken: boolean } {
  return { kind: 'unavailable', reason, taken };
}
