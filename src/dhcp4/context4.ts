import type { Ip4 } from '../util/index.ts';
import { formatIp4 } from '../util/index.ts';
import type { Message4 } from '../codec/index.ts';
import { CodecError, MessageType4, encodeMessage4, getUint16Option } from '../codec/index.ts';
import { Opt4 } from '../codec/index.ts';
import type { Config4 } from '../model/index.ts';
import type { AllocEngine4 } from '../alloc/index.ts';
import type { Logger, Stats } from '../obs/index.ts';
import type { DropReason4, Exchange4, ExchangeHooks4, Outcome4 } from './exchange4.ts';
import { replyLine4 } from './log-line4.ts';
import { echoClientOptions4 } from './reply4.ts';
import { replyRoute4 } from './route.ts';

/** What the message handlers need; built once per configuration by the processor's factory. */
export type Handler4Deps = {
  readonly config: Config4;
  readonly engine: AllocEngine4;
  readonly stats: Stats;
  readonly log: Logger;
  /** Every address this server answers as (option 54 values it accepts as its own). */
  readonly isOwnAddress: (address: Ip4) => boolean;
  /** False while serving is disabled (dhcp-disable): every packet is dropped and counted. */
  readonly serving?: () => boolean;
  readonly hooks?: ExchangeHooks4;
};

export type Handler4 = (ex: Exchange4, deps: Handler4Deps) => Promise<Outcome4>;

const SENT_STAT: Record<number, string> = {
  [MessageType4.OFFER]: 'pkt4-offer-sent', [MessageType4.ACK]: 'pkt4-ack-sent', [MessageType4.NAK]: 'pkt4-nak-sent',
};

export function drop(reason: DropReason4): Outcome4 {
  return { kind: 'drop', reason };
}

/** Finishes a reply: echo options 61 and 82, pick the route, encode within the size limit, log the line. */
export function send4(ex: Exchange4, deps: Handler4Deps, reply: Message4, type: number, address: Ip4, delayMs = 0): Outcome4 {
  echoClientOptions4(reply, ex.request);
  if (type === MessageType4.NAK && ex.request.giaddr !== 0) reply.flags |= 0x8000;
  const data = encodeWithin(reply, Math.max(576, getUint16Option(ex.request, Opt4.MAX_MESSAGE_SIZE) ?? 576));
  if (deps.log.enabled('info')) {
    deps.log.log('DHCP4_PACKET', { type, address: formatIp4(address), mac: ex.client.hwAddress, via: ex.via, xid: ex.request.xid },
      replyLine4(ex, type, address));
  }
  deps.stats.add('pkt4-sent');
  const stat = SENT_STAT[type];
  if (stat !== undefined) deps.stats.add(stat);
  return { kind: 'reply', data, route: replyRoute4(ex.request, reply, type), delayMs, messageType: type };
}

/** Options a reply cannot do without; the others are dropped, last added first, when it does not fit. */
const ESSENTIAL = new Set<number>([
  Opt4.MESSAGE_TYPE, Opt4.SERVER_ID, Opt4.LEASE_TIME, Opt4.RENEWAL_TIME, Opt4.REBINDING_TIME, Opt4.SUBNET_MASK,
  Opt4.ROUTERS, Opt4.CLIENT_ID, Opt4.RELAY_AGENT_INFO, Opt4.MESSAGE,
]);

/** Encodes within the client's maximum message size, trimming optional options (as dhcpd does) if needed. */
function encodeWithin(reply: Message4, maxSize: number): Uint8Array {
  for (;;) {
    try {
      return encodeMessage4(reply, maxSize);
    } catch (error) {
      if (!(error instanceof CodecError) || error.code !== 'ERR_CODEC_TOO_LARGE') throw error;
      const optional = reply.options.codes().filter((code) => !ESSENTIAL.has(code));
      if (optional.length === 0) throw error;
      reply.options.delete(optional[optional.length - 1]!);
    }
  }
}
