import type { Ip4 } from '../util/index.ts';
import type { Lease4, Reservation4, Subnet4 } from '../model/index.ts';

/** How a DHCPv4 client is identified: option 61 when present, else its hardware address. */
export type ClientRef4 = {
  readonly hwAddress: string;
  readonly clientId: string | null;
};

/** A stable key for maps keyed by client (offer holds). */
export function clientKey(client: ClientRef4): string {
  return client.clientId !== null ? `id:${client.clientId}` : `hw:${client.hwAddress}`;
}

/**
 * Does this lease belong to this client? Kea's rules: with match-client-id, a client-id on both sides
 * decides; a client without a hardware address (hlen 0, e.g. InfiniBand) is always matched by client-id.
 */
export function leaseBelongsTo(lease: Lease4, client: ClientRef4, matchClientId: boolean): boolean {
  if ((matchClientId || client.hwAddress === '') && client.clientId !== null && lease.clientId !== null) {
    return lease.clientId === client.clientId;
  }
  return lease.hwAddress !== '' && lease.hwAddress === client.hwAddress;
}

/** Reservations of a subnet indexed three ways, built once per config snapshot. */
type ReservationIndex = {
  readonly byHw: ReadonlyMap<string, Reservation4>;
  readonly byClientId: ReadonlyMap<string, Reservation4>;
  readonly byAddress: ReadonlyMap<Ip4, Reservation4>;
};

const indexes = new WeakMap<Subnet4, ReservationIndex>();

function reservationIndex(subnet: Subnet4): ReservationIndex {
  let index = indexes.get(subnet);
  if (index === undefined) {
    const byHw = new Map<string, Reservation4>();
    const byClientId = new Map<string, Reservation4>();
    const byAddress = new Map<Ip4, Reservation4>();
    for (const r of subnet.reservations) {
      if (r.hwAddress !== null) byHw.set(r.hwAddress, r);
      if (r.clientId !== null) byClientId.set(r.clientId, r);
      if (r.address !== null) byAddress.set(r.address, r);
    }
    index = { byHw, byClientId, byAddress };
    indexes.set(subnet, index);
  }
  return index;
}

export function findReservation(subnet: Subnet4, client: ClientRef4): Reservation4 | null {
  if (subnet.reservations.length === 0) return null;
  const index = reservationIndex(subnet);
  return index.byHw.get(client.hwAddress) ?? (client.clientId !== null ? index.byClientId.get(client.clientId) : undefined) ?? null;
}

export function reservationOf(subnet: Subnet4, address: Ip4): Reservation4 | null {
  if (subnet.reservations.length === 0) return null;
  return reservationIndex(subnet).byAddress.get(address) ?? null;
}
