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

/** Does this lease belong to this client? (Kea's rules with match-client-id.) */
export function leaseBelongsTo(lease: Lease4, client: ClientRef4, matchClientId: boolean): boolean {
  if (matchClientId && client.clientId !== null && lease.clientId !== null) return lease.clientId === client.clientId;
  return lease.hwAddress !== '' && lease.hwAddress === client.hwAddress;
}

export function findReservation(subnet: Subnet4, client: ClientRef4): Reservation4 | null {
  for (const r of subnet.reservations) {
    if (r.hwAddress !== null && r.hwAddress === client.hwAddress) return r;
    if (r.clientId !== null && client.clientId !== null && r.clientId === client.clientId) return r;
  }
  return null;
}

export function reservationOf(subnet: Subnet4, address: number): Reservation4 | null {
  for (const r of subnet.reservations) if (r.address === address) return r;
  return null;
}
