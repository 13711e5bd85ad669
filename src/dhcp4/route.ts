import type { Message4 } from '../codec/index.ts';
import { MessageType4 } from '../codec/index.ts';
import type { ReplyRoute4 } from '../model/index.ts';

const SERVER_PORT = 67;
const CLIENT_PORT = 68;
const BROADCAST_FLAG = 0x8000;

/**
 * RFC 2131 §4.1: where a reply goes. Relayed → giaddr:67; NAK → broadcast; ciaddr set → unicast to it;
 * broadcast flag → broadcast; otherwise unicast to yiaddr at chaddr (Ethernet) or broadcast.
 */
export function replyRoute4(request: Message4, reply: Message4, replyType: number): ReplyRoute4 {
  if (request.giaddr !== 0) return { kind: 'relay', to: request.giaddr, port: SERVER_PORT };
  if (replyType === MessageType4.NAK) return { kind: 'broadcast', port: CLIENT_PORT };
  if (request.ciaddr !== 0) return { kind: 'unicast', to: request.ciaddr, port: CLIENT_PORT };
  if ((request.flags & BROADCAST_FLAG) !== 0 || reply.yiaddr === 0) return { kind: 'broadcast', port: CLIENT_PORT };
  if (request.htype === 1 && request.hlen === 6) {
    return { kind: 'unicast-hw', to: reply.yiaddr, hwAddress: request.chaddr.subarray(0, 6), port: CLIENT_PORT };
  }
  return { kind: 'broadcast', port: CLIENT_PORT };
}
