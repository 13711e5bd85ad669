import { MessageType4 } from '../codec/index.ts';
import type { Exchange4, Outcome4 } from './exchange4.ts';
import { type Handler4Deps, drop, send4 } from './context4.ts';
import { addConfiguredOptions4, createReply4 } from './reply4.ts';

/** INFORM: the client has an address and wants options only; no lease, no lease time (RFC 2131 §3.4). */
export async function handleInform4(ex: Exchange4, deps: Handler4Deps): Promise<Outcome4> {
  if (ex.subnet === null) return drop('no-subnet');
  const reply = createReply4(ex, MessageType4.ACK, 0);
  reply.ciaddr = ex.request.ciaddr;
  addConfiguredOptions4(reply, ex, ex.subnet, null, null);
  return send4(ex, deps, reply, MessageType4.ACK, ex.request.ciaddr);
}
