import { formatIp4 } from '../util/index.ts';
import { MessageType4, Opt4, getIp4Option, getUint32Option } from '../codec/index.ts';
import type { Exchange4, Outcome4 } from './exchange4.ts';
import { type Handler4Deps, drop, send4 } from './context4.ts';
import { addConfiguredOptions4, addLeaseTimes4, createReply4, grantedLifetime4 } from './reply4.ts';

/** DISCOVER → OFFER: a dry run of allocation; the address is held for the client, nothing is written. */
export async function handleDiscover4(ex: Exchange4, deps: Handler4Deps): Promise<Outcome4> {
  const subnet = ex.subnet;
  if (subnet === null) return drop('no-subnet');
  const pick = await deps.engine.pick(subnet, ex.client, getIp4Option(ex.request, Opt4.REQUESTED_ADDRESS));
  if (pick.kind === 'exhausted') {
    deps.log.log('ALLOC_POOL_EXHAUSTED', { subnet: subnet.id, mac: ex.client.hwAddress, via: ex.via },
      `no free address in subnet ${subnet.id} (${formatIp4(subnet.network)}/${subnet.prefixLength}) for ${ex.client.hwAddress} via ${ex.via}`);
    deps.stats.add(`subnet[${subnet.id}].v4-allocation-fail`);
    return drop('no-address');
  }
  if (pick.kind === 'unavailable') {
    deps.log.log('ALLOC_RESERVATION_CONFLICT', { subnet: subnet.id, mac: ex.client.hwAddress, reason: pick.reason });
    return drop('no-address');
  }
  const reply = createReply4(ex, MessageType4.OFFER, pick.address);
  addLeaseTimes4(reply, subnet, grantedLifetime4(subnet, getUint32Option(ex.request, Opt4.LEASE_TIME), deps.hooks?.maxLifetime?.(ex, pick.address) ?? null));
  addConfiguredOptions4(reply, ex, subnet, pick.address, pick.reservation);
  return send4(ex, deps, reply, MessageType4.OFFER, pick.address, subnet.offerDelayMs);
}
