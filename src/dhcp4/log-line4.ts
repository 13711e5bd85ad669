import type { Ip4 } from '../util/index.ts';
import { formatIp4 } from '../util/index.ts';
import { MESSAGE_TYPE_NAMES4 } from '../codec/index.ts';
import type { Exchange4 } from './exchange4.ts';

/** The familiar one-line form ISC dhcpd users grep for: `DHCPACK on 10.0.0.20 to 00:0c:29:29:b6:13 (host) via v1`. */
export function receivedLine4(ex: Exchange4, requested: Ip4 | null): string {
  const name = MESSAGE_TYPE_NAMES4[ex.messageType] ?? `DHCP type ${ex.messageType}`;
  const who = `${ex.client.hwAddress}${ex.hostname !== '' ? ` (${ex.hostname})` : ''}`;
  switch (ex.messageType) {
    case 3: return `${name} for ${formatIp4(requested ?? ex.request.ciaddr)}${ex.request.ciaddr !== 0 ? '' : ` (${formatIp4(ex.serverId)})`} from ${who} via ${ex.via}`;
    case 4: case 7: return `${name} of ${formatIp4(requested ?? ex.request.ciaddr)} from ${who} via ${ex.via}`;
    case 8: return `${name} from ${formatIp4(ex.request.ciaddr)} via ${ex.via}`;
    default: return `${name} from ${who} via ${ex.via}`;
  }
}

export function replyLine4(ex: Exchange4, replyType: number, address: Ip4): string {
  const name = MESSAGE_TYPE_NAMES4[replyType] ?? `DHCP type ${replyType}`;
  const who = `${ex.client.hwAddress}${ex.hostname !== '' ? ` (${ex.hostname})` : ''}`;
  if (replyType === 5 && ex.messageType === 8) return `${name} to ${formatIp4(ex.request.ciaddr)} (${ex.client.hwAddress}) via ${ex.via}`;
  return `${name} on ${formatIp4(address)} to ${who} via ${ex.via}`;
}
