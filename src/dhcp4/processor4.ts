import { formatHex, formatIp4 } from '../util/index.ts';
import {
  CodecError, MessageType4, Opt4, decodeMessage4, getIp4Option, getMessageType4, getStringOption,
} from '../codec/index.ts';
import type { Message4 } from '../codec/index.ts';
import type { Exchange4, Inbound4, Outcome4 } from './exchange4.ts';
import { type Handler4, type Handler4Deps, drop } from './context4.ts';
import { handleDiscover4 } from './discover4.ts';
import { handleInform4 } from './inform4.ts';
import { receivedLine4 } from './log-line4.ts';
import { handleDecline4, handleRelease4 } from './release-decline4.ts';
import { handleRequest4 } from './request4.ts';
import { selectSubnet4 } from './select-subnet4.ts';

/** Message types a server acts on, and who handles them (a table, not a branch: R2). */
const HANDLERS: Partial<Record<number, Handler4>> = {
  [MessageType4.DISCOVER]: handleDiscover4,
  [MessageType4.REQUEST]: handleRequest4,
  [MessageType4.DECLINE]: handleDecline4,
  [MessageType4.RELEASE]: handleRelease4,
  [MessageType4.INFORM]: handleInform4,
};

const RECEIVED_STAT: Record<number, string> = {
  1: 'pkt4-discover-received', 2: 'pkt4-offer-received', 3: 'pkt4-request-received', 4: 'pkt4-decline-received',
  5: 'pkt4-ack-received', 6: 'pkt4-nak-received', 7: 'pkt4-release-received', 8: 'pkt4-inform-received',
};

export type Processor4 = { process(inbound: Inbound4): Promise<Outcome4> };

/**
 * The DHCPv4 exchange: decode → accept → select subnet → handle by message type → encode. One
 * processor is built per configuration snapshot; a reload builds a new one and swaps it (R9).
 * Never throws: malformed input and internal failures become counted drops (invariant 4).
 */
export function createProcessor4(deps: Handler4Deps): Processor4 {
  const { stats, log } = deps;
  const finish = (outcome: Outcome4, ex: { via?: string } = {}): Outcome4 => {
    if (outcome.kind === 'drop') {
      stats.add('pkt4-receive-drop');
      stats.add(`pkt4-receive-drop.${outcome.reason}`);
      if (log.enabled('debug')) log.log('DHCP4_PACKET_DROP', { reason: outcome.reason, ...ex });
    }
    return outcome;
  };
  return {
    async process(inbound) {
      stats.add('pkt4-received');
      if (deps.serving !== undefined && !deps.serving()) return finish(drop('disabled'));
      let request: Message4;
      try {
        request = decodeMessage4(inbound.data);
      } catch (error) {
        stats.add('pkt4-parse-failed');
        if (log.enabled('debug')) {
          log.log('DHCP4_PACKET_PARSE_FAIL', {
            from: formatIp4(inbound.source.address), link: inbound.link.ifname, bytes: inbound.data.length,
            error: error instanceof CodecError ? `${error.code} at ${error.offset}` : String(error),
          });
        }
        return finish(drop('parse-failed'));
      }
      try {
        const accepted = accept(request, inbound, deps);
        if ('reason' in accepted) return finish(drop(accepted.reason));
        const ex = accepted;
        const handler = HANDLERS[ex.messageType];
        if (handler === undefined) return finish(drop('unsupported-type'), { via: ex.via });
        if (deps.hooks?.admit !== undefined && !deps.hooks.admit(ex)) return finish(drop('not-our-scope'), { via: ex.via });
        if (log.enabled('info') && ex.messageType !== MessageType4.RELEASE && ex.messageType !== MessageType4.DECLINE) {
          log.log('DHCP4_PACKET', { type: ex.messageType, mac: ex.client.hwAddress, via: ex.via, xid: request.xid },
            receivedLine4(ex, getIp4Option(request, Opt4.REQUESTED_ADDRESS)));
        }
        return finish(await handler(ex, deps), { via: ex.via });
      } catch (error) {
        log.log('DHCP4_PACKET_PROCESSING_FAILED', {
          xid: request.xid, error: error instanceof Error ? error.stack ?? error.message : String(error),
        });
        return finish(drop('store-failed'));
      }
    },
  };
}

function accept(request: Message4, inbound: Inbound4, deps: Handler4Deps): Exchange4 | { reason: 'not-request' | 'no-message-type' | 'bad-hardware-address' } {
  if (request.op !== 1) return { reason: 'not-request' };
  const messageType = getMessageType4(request);
  if (messageType === null) return { reason: 'no-message-type' };
  deps.stats.add(RECEIVED_STAT[messageType] ?? 'pkt4-unknown-received');
  const clientIdBytes = request.options.get(Opt4.CLIENT_ID);
  const clientId = clientIdBytes !== undefined && clientIdBytes.length > 0 ? formatHex(clientIdBytes) : null;
  if (request.hlen > 16 || (request.hlen === 0 && clientId === null)) return { reason: 'bad-hardware-address' };
  const hwAddress = formatHex(request.chaddr.subarray(0, request.hlen));
  const relayed = request.giaddr !== 0;
  return {
    inbound, request, messageType,
    client: { hwAddress, clientId },
    relayed,
    serverId: inbound.link.address,
    subnet: selectSubnet4(deps.config.subnets, request, inbound.link),
    lease: null,
    via: relayed ? formatIp4(request.giaddr) : inbound.link.ifname,
    hostname: sanitizeHostname(getStringOption(request, Opt4.HOST_NAME)),
  };
}

/** A client's option 12, kept only if it is a plausible host name (letters, digits, '-', '.'). */
function sanitizeHostname(name: string | null): string {
  if (name === null) return '';
  const cleaned = name.trim().toLowerCase();
  return /^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9][a-z0-9-]{0,62})*\.?$/.test(cleaned) ? cleaned.replace(/\.$/, '') : '';
}

