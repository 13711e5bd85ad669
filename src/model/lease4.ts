import type { Ip4 } from '../util/index.ts';

/** Kea's lease states: 0 default (assigned), 1 declined, 2 expired-reclaimed. */
export type LeaseState = 'default' | 'declined' | 'expired-reclaimed';

export const LEASE_STATE_CODE = { default: 0, declined: 1, 'expired-reclaimed': 2 } as const satisfies Record<LeaseState, number>;

/**
 * One IPv4 lease, immutable. A change is a new object written through the LeaseStore.
 * Identity is the address; (cltt, validLifetime) is the version used for compare-and-set.
 */
export type Lease4 = {
  readonly address: Ip4;
  /** Lower-case colon hex (`0a:00:27:00:00:01`); '' when unknown. */
  readonly hwAddress: string;
  /** Lower-case colon hex of option 61's payload, or null when the client sent none. */
  readonly clientId: string | null;
  readonly subnetId: number;
  /** Client last transaction time, seconds since the epoch (integer). */
  readonly cltt: number;
  /** Valid lifetime in seconds; the lease expires at cltt + validLifetime. */
  readonly validLifetime: number;
  readonly hostname: string;
  readonly state: LeaseState;
};

export function leaseExpiry(lease: Lease4): number {
  return lease.cltt + lease.validLifetime;
}

/** The version a compare-and-set write expects to find. */
export type LeaseVersion = { readonly cltt: number; readonly validLifetime: number };

export function leaseVersion(lease: Lease4): LeaseVersion {
  return { cltt: lease.cltt, validLifetime: lease.validLifetime };
}
