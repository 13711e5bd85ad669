import { parseHex } from '../util/index.ts';
import type { Ip4 } from '../util/index.ts';
import type { HaMode, HaRole, Lease4 } from '../model/index.ts';
import type { AddressPolicy4 } from '../alloc/index.ts';
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
};

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
    maxLifetime: () => s.mcltCapSec(),
    // The state may change while the lease is being made durable: a lease granted under the normal
    // state's rules (no cap) is ACKed only once the partner has it, whatever the state is now.
    afterCommit: (lease) => {
      if (s.needsAck()) return s.waitForAck(lease);
      const cap = s.mcltCapSec();
      return cap === null || lease.validLifetime <= cap ? Promise.resolve(true) : s.waitForAck(lease);
    },
  };
  const policy: AddressPolicy4 = {
    owns(_subnetId: number, address: Ip4) {
      if (s.mayAllocate !== undefined && !s.mayAllocate()) return false;
      const owner = s.ownership().ownerOf(address);
      return owner === null || owner === mine;
    },
    mayUseOthers: () => s.mayUseOthers() && (s.mayAllocate === undefined || s.mayAllocate()),
  };
  return { hooks, policy };
}
