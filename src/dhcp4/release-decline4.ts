import { formatIp4 } from '../util/index.ts';
import { Opt4, getIp4Option } from '../codec/index.ts';
import type { Exchange4, Outcome4 } from './exchange4.ts';
import { type Handler4Deps, drop } from './context4.ts';
import { receivedLine4 } from './log-line4.ts';

/** RELEASE: the client gives its address back (ciaddr). No reply is sent. */
export async function handleRelease4(ex: Exchange4, deps: Handler4Deps): Promise<Outcome4> {
  const serverId = getIp4Option(ex.request, Opt4.SERVER_ID);
  if (serverId !== null && !deps.isOwnAddress(serverId)) return drop('not-for-us');
  if (ex.subnet === null) return drop('no-subnet');
  const released = await deps.engine.release(ex.subnet, ex.client, ex.request.ciaddr);
  deps.log.log('DHCP4_PACKET', { type: 7, address: formatIp4(ex.request.ciaddr), mac: ex.client.hwAddress, found: released !== null },
    `${receivedLine4(ex, null)} (${released !== null ? 'found' : 'not found'})`);
  return released === null ? drop('release-unknown') : { kind: 'done' };
}

/** DECLINE: the client found the address in use; it goes to probation for decline-probation-period. */
export async function handleDecline4(ex: Exchange4, deps: Handler4Deps): Promise<Outcome4> {
  const serverId = getIp4Option(ex.request, Opt4.SERVER_ID);
  if (serverId !== null && !deps.isOwnAddress(serverId)) return drop('not-for-us');
  const address = getIp4Option(ex.request, Opt4.REQUESTED_ADDRESS);
  if (ex.subnet === null) return drop('no-subnet');
  if (address === null) return drop('missing-requested-address');
  const declined = await deps.engine.decline(ex.subnet, ex.client, address, deps.config.declineProbationPeriod);
  if (declined === null) return drop('decline-unknown');
  deps.stats.add(`subnet[${ex.subnet.id}].declined-total`);
  deps.log.log('ALLOC_LEASE_DECLINED', { address: formatIp4(address), mac: ex.client.hwAddress, probation: deps.config.declineProbationPeriod },
    `${receivedLine4(ex, address)}: in probation for ${deps.config.declineProbationPeriod} s`);
  return { kind: 'done' };
}
