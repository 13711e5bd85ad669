import type { Ip4 } from '../util/index.ts';
import { prefixMask, writeIp4 } from '../util/index.ts';
import type { Message4 } from '../codec/index.ts';
import { Opt4, createMessage4, getParameterRequestList } from '../codec/index.ts';
import type { OptionSet4, Pool4, Reservation4, Subnet4 } from '../model/index.ts';
import type { Exchange4 } from './exchange4.ts';

/** A reply header per RFC 2131 table 3: xid, flags, giaddr and chaddr copied; options 53 and 54 first. */
export function createReply4(ex: Exchange4, type: number, yiaddr: Ip4): Message4 {
  const req = ex.request;
  const reply = createMessage4({
    op: 2, htype: req.htype, hlen: req.hlen, hops: 0, xid: req.xid, secs: 0, flags: req.flags,
    ciaddr: type === 5 ? req.ciaddr : 0, yiaddr, siaddr: 0, giaddr: req.giaddr, chaddr: req.chaddr,
  });
  reply.options.set(Opt4.MESSAGE_TYPE, Uint8Array.of(type));
  reply.options.set(Opt4.SERVER_ID, ip4Bytes(ex.serverId));
  return reply;
}

export function ip4Bytes(address: Ip4): Uint8Array {
  const b = new Uint8Array(4);
  writeIp4(b, 0, address);
  return b;
}

function uint32Bytes(value: number): Uint8Array {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
}

/** Lease time (51) and T1/T2 (58/59): configured timers, else 50 % and 87.5 % of the lease. */
export function addLeaseTimes4(reply: Message4, subnet: Subnet4, validLifetime: number): void {
  reply.options.set(Opt4.LEASE_TIME, uint32Bytes(validLifetime));
  const t1 = subnet.renewTimer ?? Math.floor(validLifetime * 0.5);
  const t2 = subnet.rebindTimer ?? Math.floor(validLifetime * 0.875);
  if (t1 < validLifetime && (t1 < t2 || t2 >= validLifetime)) reply.options.set(Opt4.RENEWAL_TIME, uint32Bytes(t1));
  if (t2 < validLifetime) reply.options.set(Opt4.REBINDING_TIME, uint32Bytes(t2));
}

/**
 * The lifetime to grant: the client's request (option 51) bounded by min/max, else the default; and
 * never more than `cap` (HA's MCLT while the partner cannot acknowledge).
 */
export function grantedLifetime4(subnet: Subnet4, requested: number | null, cap: number | null = null): number {
  const { min, max } = subnet.validLifetime;
  const wanted = requested === null ? subnet.validLifetime.default : Math.min(max, Math.max(min, requested));
  return cap === null ? wanted : Math.min(wanted, cap);
}

export function poolOf(subnet: Subnet4, address: Ip4): Pool4 | null {
  for (const pool of subnet.pools) if (address >= pool.first && address <= pool.last) return pool;
  return null;
}

/**
 * Adds the configured options the client asked for (option 55), in the order it asked, plus the
 * `always-send` ones; with no option 55, every configured option (as ISC dhcpd does). The subnet
 * mask is always sent. Precedence: reservation over pool over subnet over global.
 */
export function addConfiguredOptions4(
  reply: Message4, ex: Exchange4, subnet: Subnet4, address: Ip4 | null, reservation: Reservation4 | null,
): void {
  const layers: OptionSet4[] = [subnet.options];
  const pool = address === null ? null : poolOf(subnet, address);
  if (pool !== null) layers.push(pool.options);
  if (reservation !== null) layers.push(reservation.options);
  const lookup = (code: number) => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const v = layers[i]!.get(code);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const mask = lookup(Opt4.SUBNET_MASK);
  reply.options.set(Opt4.SUBNET_MASK, mask?.data ?? ip4Bytes(prefixMask(subnet.prefixLength)));
  const prl = getParameterRequestList(ex.request);
  const codes = prl.length > 0 ? prl : allCodes(layers);
  for (const code of BASIC_CODES) addOne(reply, code, lookup(code)?.data);
  for (const code of codes) addOne(reply, code, lookup(code)?.data);
  for (const layer of layers) for (const [code, v] of layer) if (v.alwaysSend) addOne(reply, code, lookup(code)?.data);
  if (reservation !== null && reservation.hostname !== '' && !reply.options.has(Opt4.HOST_NAME)
    && (prl.includes(Opt4.HOST_NAME) || ex.request.options.has(Opt4.HOST_NAME))) {
    reply.options.set(Opt4.HOST_NAME, new TextEncoder().encode(reservation.hostname));
  }
}

/** Sent whenever configured, asked for or not, as Kea does: routers, DNS servers, domain name. */
const BASIC_CODES = [Opt4.ROUTERS, Opt4.DOMAIN_NAME_SERVERS, Opt4.DOMAIN_NAME];

const RESERVED_CODES = new Set<number>([
  Opt4.PAD, Opt4.END, Opt4.MESSAGE_TYPE, Opt4.SERVER_ID, Opt4.LEASE_TIME, Opt4.RENEWAL_TIME,
  Opt4.REBINDING_TIME, Opt4.OVERLOAD, Opt4.PARAMETER_REQUEST_LIST, Opt4.REQUESTED_ADDRESS,
  Opt4.CLIENT_ID, Opt4.RELAY_AGENT_INFO, Opt4.MAX_MESSAGE_SIZE,
]);

function addOne(reply: Message4, code: number, data: Uint8Array | undefined): void {
  if (data === undefined || RESERVED_CODES.has(code) || reply.options.has(code)) return;
  reply.options.set(code, data);
}

function allCodes(layers: OptionSet4[]): number[] {
  const codes = new Set<number>();
  for (const layer of layers) for (const code of layer.keys()) codes.add(code);
  return [...codes];
}

/**
 * Echoes what the client and relay put in: option 61 (RFC 6842, so clients without a hardware
 * address can match replies) and option 82, unchanged and last (RFC 3046).
 */
export function echoClientOptions4(reply: Message4, request: Message4): void {
  const clientId = request.options.get(Opt4.CLIENT_ID);
  if (clientId !== undefined) reply.options.set(Opt4.CLIENT_ID, clientId);
  const info = request.options.get(Opt4.RELAY_AGENT_INFO);
  if (info !== undefined) reply.options.set(Opt4.RELAY_AGENT_INFO, info);
}
