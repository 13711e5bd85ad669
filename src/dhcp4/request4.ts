import type { Ip4 } from '../util/index.ts';
import { formatIp4, inPrefix } from '../util/index.ts';
import { MessageType4, Opt4, getIp4Option, getUint32Option } from '../codec/index.ts';
import type { Subnet4 } from '../model/index.ts';
import { findReservation } from '../alloc/index.ts';
import { StoreError } from '../store/index.ts';
import type { Exchange4, Outcome4 } from './exchange4.ts';
import { type Handler4Deps, drop, send4 } from './context4.ts';
import { addConfiguredOptions4, addLeaseTimes4, createReply4, grantedLifetime4 } from './reply4.ts';

/**
 * REQUEST in its four RFC 2131 §4.3.2 forms:
 * - SELECTING (option 54 present): ours → commit the requested address or NAK; another server's → drop.
 * - INIT-REBOOT (option 50, no ciaddr): wrong network → NAK; the client's lease or a free address → ACK;
 *   someone else's → NAK when authoritative, else silence.
 * - RENEWING / REBINDING (ciaddr): the client's lease → ACK; someone else's → NAK; no record →
 *   ACK if free and authoritative, else silence.
 */
export async function handleRequest4(ex: Exchange4, deps: Handler4Deps): Promise<Outcome4> {
  const request = ex.request;
  const serverId = getIp4Option(request, Opt4.SERVER_ID);
  const requested = getIp4Option(request, Opt4.REQUESTED_ADDRESS);
  if (serverId !== null && !deps.isOwnAddress(serverId)) {
    deps.engine.forgetOffer(ex.client);
    return drop('not-for-us');
  }
  const subnet = ex.subnet;
  if (subnet === null) return drop('no-subnet');
  const selecting = serverId !== null;
  const address: Ip4 | null = request.ciaddr !== 0 ? request.ciaddr : requested;
  if (address === null) return drop('missing-requested-address');
  if (!inPrefix(address, subnet.network, subnet.prefixLength)) {
    return nak(ex, deps, address, `${formatIp4(address)} is not on the client's network`);
  }
  const reservation = findReservation(subnet, ex.client);
  if (reservation?.address != null && reservation.address !== address
    && (await deps.engine.check(subnet, ex.client, reservation.address)).kind === 'available') {
    return nak(ex, deps, address, `the client has a reservation for ${formatIp4(reservation.address)}`);
  }
  if (!selecting) {
    const current = await deps.engine.currentLease(subnet, ex.client);
    if (current !== null && current.state === 'default' && current.address !== address) {
      return nak(ex, deps, address, `the client's lease is for ${formatIp4(current.address)}`);
    }
    const known = current !== null && current.address === address;
    if (!known && !subnet.authoritative) return drop('not-authoritative');
  }
  return commitAndAck(ex, deps, subnet, address);
}

async function commitAndAck(ex: Exchange4, deps: Handler4Deps, subnet: Subnet4, address: Ip4): Promise<Outcome4> {
  const reservation = findReservation(subnet, ex.client);
  const lifetime = grantedLifetime4(subnet, getUint32Option(ex.request, Opt4.LEASE_TIME), deps.hooks?.maxLifetime?.(ex, address) ?? null);
  const hostname = reservation?.hostname || ex.hostname;
  let result;
  try {
    result = await deps.engine.commit(subnet, ex.client, address, { validLifetime: lifetime, hostname });
  } catch (error) {
    deps.log.log('ALLOC_LEASE_WRITE_FAILED', {
      address: formatIp4(address), mac: ex.client.hwAddress,
      error: error instanceof StoreError ? `${error.code}: ${error.message}` : String(error),
    });
    return drop('store-failed');
  }
  if (result.kind === 'unavailable') return nak(ex, deps, address, `${formatIp4(address)} ${result.reason}`);
  ex.lease = result.lease;
  if (deps.hooks?.afterCommit !== undefined && !(await deps.hooks.afterCommit(result.lease, ex))) {
    // The partner did not acknowledge: no ACK. The client retries; by then the lease is capped (MCLT).
    return drop('partner-unacked');
  }
  const reply = createReply4(ex, MessageType4.ACK, address);
  addLeaseTimes4(reply, subnet, lifetime);
  addConfiguredOptions4(reply, ex, subnet, address, reservation);
  return send4(ex, deps, reply, MessageType4.ACK, address);
}

function nak(ex: Exchange4, deps: Handler4Deps, address: Ip4, why: string): Outcome4 {
  const reply = createReply4(ex, MessageType4.NAK, 0);
  reply.options.set(Opt4.MESSAGE, new TextEncoder().encode(why));
  return send4(ex, deps, reply, MessageType4.NAK, address);
}
