import type { Ip4 } from '../util/index.ts';

/** Where a reply goes, decided by RFC 2131 §4.1 in dhcp4/ and carried out by transport/. */
export type ReplyRoute4 =
  /** To the relay agent at giaddr, server port 67. */
  | { readonly kind: 'relay'; readonly to: Ip4; readonly port: number }
  /** To a client that has an address (ciaddr), port 68. */
  | { readonly kind: 'unicast'; readonly to: Ip4; readonly port: number }
  /** To yiaddr at the client's hardware address, before the client has configured it. */
  | { readonly kind: 'unicast-hw'; readonly to: Ip4; readonly hwAddress: Uint8Array; readonly port: number }
  /** Limited broadcast 255.255.255.255:68 on the link the request arrived on. */
  | { readonly kind: 'broadcast'; readonly port: number };
