import type { Ip4 } from '../util/index.ts';
import { inPrefix, readIp4 } from '../util/index.ts';
import type { Message4 } from '../codec/index.ts';
import { Opt4, RelaySubOpt4, decodeRelayAgentInfo, getIp4Option } from '../codec/index.ts';
import type { Subnet4 } from '../model/index.ts';
import type { LinkRef4 } from './exchange4.ts';

/**
 * Picks the subnet for a request, as Kea does: for relayed requests the link-selection sub-option of
 * option 82 (RFC 3527), else option 118 (RFC 3011), else giaddr (matched against each subnet's relay
 * addresses, then its prefix); for direct ones option 118, else ciaddr, else the arrival link (a subnet
 * bound to that interface, else the one containing the interface address).
 */
export function selectSubnet4(subnets: readonly Subnet4[], request: Message4, link: LinkRef4): Subnet4 | null {
  // Option 82's link-selection is a relay's statement; a directly attached client cannot make it.
  const selector = (request.giaddr !== 0 ? linkSelection(request) : null) ?? getIp4Option(request, Opt4.SUBNET_SELECTION);
  if (selector !== null) return containing(subnets, selector);
  if (request.giaddr !== 0) {
    for (const s of subnets) if (s.relayAddresses.includes(request.giaddr)) return s;
    return containing(subnets, request.giaddr);
  }
  if (request.ciaddr !== 0) {
    const byCiaddr = containing(subnets, request.ciaddr);
    if (byCiaddr !== null) return byCiaddr;
  }
  for (const s of subnets) if (s.interface === link.ifname) return s;
  return containing(subnets, link.address);
}

function containing(subnets: readonly Subnet4[], address: Ip4): Subnet4 | null {
  let best: Subnet4 | null = null;
  for (const s of subnets) {
    if (inPrefix(address, s.network, s.prefixLength) && (best === null || s.prefixLength > best.prefixLength)) best = s;
  }
  return best;
}

function linkSelection(request: Message4): Ip4 | null {
  const info = request.options.get(Opt4.RELAY_AGENT_INFO);
  if (info === undefined) return null;
  try {
    for (const sub of decodeRelayAgentInfo(info)) {
      if (sub.code === RelaySubOpt4.LINK_SELECTION && sub.data.length === 4) return readIp4(sub.data, 0);
    }
  } catch {
    // A malformed option 82 selects nothing; it is still echoed back as received.
  }
  return null;
}
