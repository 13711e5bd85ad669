import type { InterfaceSpec, ReplyRoute4 } from '../model/index.ts';
import type { Ip4 } from '../util/index.ts';

/** One served link: the interface and the server's own address on it (the server identifier). */
export type Link4 = {
  readonly ifname: string;
  readonly address: Ip4;
  readonly prefixLength: number;
  readonly mac: Uint8Array | null;
};

export type Inbound4 = {
  /** The UDP payload. */
  readonly data: Uint8Array;
  /** The served link it arrived on. */
  readonly link: Link4;
  readonly source: { readonly address: Ip4; readonly port: number };
  /** performance.now() when it was read. */
  readonly receivedAtMs: number;
};

export interface Transport4 {
  /** Opens sockets for the configured interfaces that exist now; keeps watching for new/removed/renumbered ones. */
  start(onPacket: (p: Inbound4) => void): Promise<void>;
  /**
   * Sends on the socket of `link.ifname` following the route (model ReplyRoute4). 'unicast-hw' adds an
   * ARP entry for (to, hwAddress) then sends to to:port; if that fails, falls back to broadcast.
   * Rejects with TransportError (ERR_TRANSPORT_LINK_DOWN, ERR_TRANSPORT_SEND, ERR_TRANSPORT_CLOSED).
   */
  send(link: Link4, data: Uint8Array, route: ReplyRoute4): Promise<void>;
  links(): readonly Link4[];
  /** Applies a new interface list (config reload) without dropping sockets that stay. */
  reconfigure(interfaces: readonly InterfaceSpec[]): Promise<void>;
  close(): Promise<void>;
}

/** Log events: TRANSPORT_LINK_UP, TRANSPORT_LINK_DOWN, TRANSPORT_LINK_CHANGED, TRANSPORT_LINK_WAITING,
 *  TRANSPORT_SOCKET_FAILED, TRANSPORT_ARP_FAILED, TRANSPORT_SEND_FALLBACK, DHCP4_PACKET_PROCESSING_FAILED. */
export type TransportLog = (id: string, fields: Record<string, unknown>) => void;

export type UdpTransport4Options = {
  /** From model: { name ('*' = all non-loopback with IPv4), address | null }. */
  readonly interfaces: readonly InterfaceSpec[];
  /** Default 67 (tests may use others). */
  readonly serverPort?: number;
  /** When set, client-directed replies (unicast, unicast-hw, broadcast) go to this port instead of
   *  route.port (tests use it to move clients off 68). When absent, route.port is used (68 from dhcp4/).
   *  Relay replies always use route.port. */
  readonly clientPort?: number;
  /** Default 5000: poll os.networkInterfaces() for interfaces that appear/go/change. */
  readonly rescanMs?: number;
  readonly log?: TransportLog;
};
