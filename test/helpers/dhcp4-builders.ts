import { parseHex, parseIp4, writeIp4 } from '../../src/util/index.ts';
import type { Ip4 } from '../../src/util/index.ts';
import { Opt4, createMessage4, encodeMessage4 } from '../../src/codec/index.ts';
import type { Message4 } from '../../src/codec/index.ts';
import type { Inbound4, LinkRef4 } from '../../src/dhcp4/index.ts';

export type ClientSpec = {
  mac?: string;
  clientId?: string;
  giaddr?: string;
  ciaddr?: string;
  requested?: string;
  serverId?: string;
  prl?: number[];
  hostname?: string;
  broadcast?: boolean;
  relayInfo?: Uint8Array;
  xid?: number;
};

const ip = (text: string): Ip4 => {
  const v = parseIp4(text);
  if (v === null) throw new Error(`bad address in test: ${text}`);
  return v;
};

function ipBytes(text: string): Uint8Array {
  const b = new Uint8Array(4);
  writeIp4(b, 0, ip(text));
  return b;
}

/** A client message of `type` (1 DISCOVER, 3 REQUEST, 4 DECLINE, 7 RELEASE, 8 INFORM). */
export function aMessage4(type: number, spec: ClientSpec = {}): Message4 {
  const chaddr = new Uint8Array(16);
  chaddr.set(parseHex(spec.mac ?? '0a:00:00:00:00:01')!);
  const m = createMessage4({
    op: 1, htype: 1, hlen: 6, xid: spec.xid ?? 0x1234, flags: spec.broadcast ? 0x8000 : 0,
    ciaddr: spec.ciaddr ? ip(spec.ciaddr) : 0, giaddr: spec.giaddr ? ip(spec.giaddr) : 0, chaddr,
  });
  m.options.set(Opt4.MESSAGE_TYPE, Uint8Array.of(type));
  if (spec.clientId) m.options.set(Opt4.CLIENT_ID, parseHex(spec.clientId)!);
  if (spec.requested) m.options.set(Opt4.REQUESTED_ADDRESS, ipBytes(spec.requested));
  if (spec.serverId) m.options.set(Opt4.SERVER_ID, ipBytes(spec.serverId));
  if (spec.hostname) m.options.set(Opt4.HOST_NAME, new TextEncoder().encode(spec.hostname));
  m.options.set(Opt4.PARAMETER_REQUEST_LIST, Uint8Array.from(spec.prl ?? [1, 3, 6, 15, 42, 12]));
  if (spec.relayInfo) m.options.set(Opt4.RELAY_AGENT_INFO, spec.relayInfo);
  return m;
}

export function anInbound4(message: Message4 | Uint8Array, link: Partial<LinkRef4> = {}, source = '0.0.0.0'): Inbound4 {
  return {
    data: message instanceof Uint8Array ? message : encodeMessage4(message),
    link: { ifname: link.ifname ?? 'v1', address: link.address ?? ip('10.0.0.1'), prefixLength: link.prefixLength ?? 24 },
    source: { address: ip(source), port: 68 },
    receivedAtMs: 0,
  };
}

export { ip };
