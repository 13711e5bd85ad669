import type { Ip4 } from '../util/index.ts';
import type { Message4 } from '../codec/index.ts';
import type { Lease4, ReplyRoute4, Subnet4 } from '../model/index.ts';
import type { ClientRef4 } from '../alloc/index.ts';

/** The served link a packet arrived on (transport's Link4 is assignable to this). */
export type LinkRef4 = { readonly ifname: string; readonly address: Ip4; readonly prefixLength: number };

/** One received datagram, as the transport hands it over. */
export type Inbound4 = {
  readonly data: Uint8Array;
  readonly link: LinkRef4;
  readonly source: { readonly address: Ip4; readonly port: number };
  readonly receivedAtMs: number;
};

/** Everything known about one request while it is processed; one object, as Kea's ClientContext4. */
export type Exchange4 = {
  readonly inbound: Inbound4;
  readonly request: Message4;
  readonly messageType: number;
  readonly client: ClientRef4;
  readonly relayed: boolean;
  /** The address we speak as (option 54) on this link. */
  readonly serverId: Ip4;
  subnet: Subnet4 | null;
  lease: Lease4 | null;
  /** Where the request came from, for log lines: the interface name, or giaddr for relayed requests. */
  readonly via: string;
  readonly hostname: string;
};

/** What the processor decided: a reply to send (after `delayMs`), nothing to send (RELEASE, DECLINE), or a drop. */
export type Outcome4 =
  | { readonly kind: 'reply'; readonly data: Uint8Array; readonly route: ReplyRoute4; readonly delayMs: number; readonly messageType: number }
  | { readonly kind: 'done' }
  | { readonly kind: 'drop'; readonly reason: DropReason4 };

/**
 * How a plug-in installed by runtime/ (high availability) takes part in an exchange. The pipeline
 * never imports ha/: runtime passes these functions in (Kea's hook points, without a loader).
 */
export type ExchangeHooks4 = {
  /** Before handling: should this server answer this client now? (HA scopes; sees every request.) */
  readonly admit?: (ex: Exchange4) => boolean;
  /**
   * The longest lifetime this server may grant this client on `address` now, or null for no cap
   * (HA: the MCLT rule while the partner cannot ack, measured from what the partner knows).
   */
  readonly maxLifetime?: (ex: Exchange4, address: Ip4) => number | null;
  /** After the lease is durable, before the ACK: true when the reply may go (the partner has the lease, or need not). */
  readonly afterCommit?: (lease: Lease4, ex: Exchange4) => Promise<boolean>;
};

/** Reasons a packet gets no answer; each is counted as `pkt4-receive-drop.<reason>`. */
export const DROP_REASONS4 = [
  'parse-failed', 'not-request', 'no-message-type', 'unsupported-type', 'bad-hardware-address',
  'no-subnet', 'not-for-us', 'missing-requested-address', 'no-address', 'not-authoritative',
  'store-failed', 'release-unknown', 'decline-unknown', 'disabled', 'overload', 'not-our-scope',
  'partner-unacked',
] as const;
export type DropReason4 = (typeof DROP_REASONS4)[number];
