import type { Ip4 } from '../util/index.ts';
import { formatHex, formatIp4, inPrefix, parseHex, parseIp4 } from '../util/index.ts';
import { parseInterface } from './global-sections.ts';
import { childPath } from './jsonc.ts';
import type { JsonValue } from './jsonc.ts';
import { readOptionData } from './option-data.ts';
import type { OptionLevel } from './option-data.ts';
import { formatPrefix4, formatRange4, parsePrefix4, parseRange4 } from './ranges.ts';
import type { Prefix4 } from './ranges.ts';
import { describe, elementReader } from './reader.ts';
import type { ObjectReader } from './reader.ts';
import { checkKeys, POOL_KEYS, RELAY_KEYS, RESERVATION_KEYS, SUBNET_KEYS } from './schema.ts';
import { readScope } from './scope.ts';
import type { ScopeParams } from './scope.ts';

export type PoolDraft = { range: readonly [Ip4, Ip4]; options: OptionLevel; path: string };
export type ReservationDraft = {
  hwAddress: string | null;
  clientId: string | null;
  address: Ip4 | null;
  hostname: string;
  options: OptionLevel;
};

/** A subnet as read, before ids are assigned and before it is checked against the other subnets. */
export type SubnetDraft = {
  path: string;
  reader: ObjectReader;
  id: number | undefined;
  prefix: Prefix4 | undefined;
  pools: PoolDraft[];
  relayAddresses: Ip4[];
  interface: string | null;
  reservations: ReservationDraft[];
  exclusions: { range: readonly [Ip4, Ip4]; path: string }[];
  scope: ScopeParams;
};

const UNSUPPORTED_IDENTIFIERS = ['duid', 'circuit-id', 'flex-id'] as const;

export function readSubnet(r: ObjectReader): SubnetDraft {
  checkKeys(r, SUBNET_KEYS);
  r.annotations();
  const rawId = r.int('id', 0, 0xfffffffe);
  const subnetText = r.str('subnet');
  let prefix: Prefix4 | undefined;
  if (subnetText === undefined) {
    if (!r.has('subnet')) r.c.error(r.path, `'subnet' is required (e.g. "10.0.0.0/24")`);
  } else {
    const p = parsePrefix4(subnetText);
    if (p.ok) prefix = p.value;
    else r.c.error(r.at('subnet'), p.message);
  }
  const iface = r.str('interface');
  if (iface !== undefined && (iface.includes('/') || parseInterface(iface) === null || iface === '*')) {
    r.c.error(r.at('interface'), `'${iface}' is not an interface name`);
  }
  return {
    path: r.path,
    reader: r,
    id: rawId === 0 ? undefined : rawId,
    prefix,
    pools: readPools(r, prefix),
    relayAddresses: readRelay(r),
    interface: iface !== undefined && iface !== '' ? iface : null,
    reservations: readReservations(r, prefix),
    exclusions: readExclusions(r, prefix),
    scope: readScope(r),
  };
}

function inside(prefix: Prefix4 | undefined, range: readonly [Ip4, Ip4]): boolean {
  return prefix === undefined || (inPrefix(range[0], prefix.network, prefix.length) && inPrefix(range[1], prefix.network, prefix.length));
}

function readPools(r: ObjectReader, prefix: Prefix4 | undefined): PoolDraft[] {
  const out: PoolDraft[] = [];
  (r.list('pools') ?? []).forEach((v: JsonValue, i) => {
    const path = childPath(r.at('pools'), i);
    if (typeof v === 'string') {
      r.c.error(path, `a pool is written { "pool": "${v}" } (Kea syntax)`);
      return;
    }
    const p = elementReader(v, path, r.c, 'a pool');
    if (p === undefined) return;
    checkKeys(p, POOL_KEYS);
    p.annotations();
    const options = readOptionData(p);
    const text = p.str('pool');
    if (text === undefined) {
      if (!p.has('pool')) r.c.error(path, `'pool' is required (e.g. "10.0.0.10 - 10.0.0.99")`);
      return;
    }
    const range = parseRange4(text, false);
    if (!range.ok) {
      r.c.error(p.at('pool'), range.message);
      return;
    }
    if (!inside(prefix, range.value)) {
      r.c.error(p.at('pool'), `pool ${formatRange4(range.value)} is outside subnet ${formatPrefix4(prefix!)}`);
      return;
    }
    out.push({ range: range.value, options, path: p.at('pool') });
  });
  return out;
}

function readRelay(r: ObjectReader): Ip4[] {
  const relay = r.map('relay');
  if (relay === undefined) return [];
  checkKeys(relay, RELAY_KEYS);
  const out: Ip4[] = [];
  const one = (v: JsonValue, path: string) => {
    const a = typeof v === 'string' ? parseIp4(v) : null;
    if (a === null) r.c.error(path, `${describe(v)} is not an IPv4 address`);
    else if (out.includes(a)) r.c.warn(path, `relay address ${formatIp4(a)} is listed twice`);
    else out.push(a);
  };
  if (relay.has('ip-address') && relay.has('ip-addresses')) {
    r.c.error(relay.path, `use either 'ip-address' or 'ip-addresses', not both`);
    return out;
  }
  if (relay.has('ip-address')) one(relay.obj['ip-address']!, relay.at('ip-address'));
  (relay.list('ip-addresses') ?? []).forEach((v, i) => one(v, childPath(relay.at('ip-addresses'), i)));
  return out;
}

function readExclusions(r: ObjectReader, prefix: Prefix4 | undefined): SubnetDraft['exclusions'] {
  const out: SubnetDraft['exclusions'] = [];
  (r.list('exclusions') ?? []).forEach((v, i) => {
    const path = childPath(r.at('exclusions'), i);
    if (typeof v !== 'string') {
      r.c.error(path, `an exclusion must be a string ('a' or 'a - b'), not ${describe(v)}`);
      return;
    }
    const range = parseRange4(v, true);
    if (!range.ok) r.c.error(path, range.message);
    else if (!inside(prefix, range.value)) r.c.error(path, `exclusion ${formatRange4(range.value)} is outside subnet ${formatPrefix4(prefix!)}`);
    else out.push({ range: range.value, path });
  });
  return out;
}

function readIdentifier(h: ObjectReader, key: 'hw-address' | 'client-id'): string | null {
  const text = h.str(key);
  if (text === undefined) return null;
  let bytes: Uint8Array | null;
  const quoted = /^'(.*)'$/s.exec(text);
  if (key === 'client-id' && quoted !== null) bytes = new TextEncoder().encode(quoted[1]!);
  else bytes = parseHex(text);
  const max = key === 'hw-address' ? 20 : 255;
  if (bytes === null || bytes.length === 0 || bytes.length > max) {
    h.c.error(h.at(key), `'${text}' is not a valid ${key} (1 to ${max} hex bytes, e.g. 0a:1b:2c:3d:4e:5f${key === 'client-id' ? ", or 'text' in single quotes" : ''})`);
    return null;
  }
  return formatHex(bytes);
}

function readReservations(r: ObjectReader, prefix: Prefix4 | undefined): ReservationDraft[] {
  const out: ReservationDraft[] = [];
  const byAddress = new Map<Ip4, string>();
  const byId = new Map<string, string>();
  (r.list('reservations') ?? []).forEach((v, i) => {
    const path = childPath(r.at('reservations'), i);
    const h = elementReader(v, path, r.c, 'a reservation');
    if (h === undefined) return;
    checkKeys(h, RESERVATION_KEYS, UNSUPPORTED_IDENTIFIERS);
    h.annotations();
    let bad = false;
    for (const key of UNSUPPORTED_IDENTIFIERS) {
      if (h.has(key)) {
        r.c.error(h.at(key), `reservations by '${key}' are not supported yet by tandem (use hw-address or client-id)`, 'key');
        bad = true;
      }
    }
    const hwAddress = readIdentifier(h, 'hw-address');
    const clientId = readIdentifier(h, 'client-id');
    const idKeys = ['hw-address', 'client-id', ...UNSUPPORTED_IDENTIFIERS].filter((k) => h.has(k));
    if (idKeys.length === 0) {
      r.c.error(path, `a reservation needs exactly one identifier: 'hw-address' or 'client-id'`);
      bad = true;
    } else if (idKeys.length > 1) {
      r.c.error(path, `a reservation needs exactly one identifier, this one has ${idKeys.map((k) => `'${k}'`).join(' and ')}`);
      bad = true;
    }
    const addrText = h.str('ip-address');
    let address: Ip4 | null = null;
    if (addrText !== undefined) {
      address = parseIp4(addrText);
      if (address === null) {
        r.c.error(h.at('ip-address'), `'${addrText}' is not an IPv4 address`);
        bad = true;
      } else if (prefix !== undefined && !inPrefix(address, prefix.network, prefix.length)) {
        r.c.error(h.at('ip-address'), `reserved address ${addrText} is outside subnet ${formatPrefix4(prefix)}`);
        bad = true;
      } else if (byAddress.has(address)) {
        r.c.error(h.at('ip-address'), `address ${addrText} is already reserved by ${byAddress.get(address)}`);
        bad = true;
      } else {
        byAddress.set(address, path);
      }
    }
    const idKey = hwAddress !== null ? `hw-address ${hwAddress}` : clientId !== null ? `client-id ${clientId}` : null;
    if (idKey !== null && idKeys.length === 1) {
      const prev = byId.get(idKey);
      const idPath = h.at(hwAddress !== null ? 'hw-address' : 'client-id');
      if (prev !== undefined) {
        r.c.error(idPath, `${idKey} already has a reservation in this subnet (${prev})`);
        bad = true;
      } else {
        byId.set(idKey, path);
      }
    }
    const hostname = h.str('hostname') ?? '';
    const options = readOptionData(h);
    if (!bad && (hwAddress !== null || clientId !== null)) out.push({ hwAddress, clientId, address, hostname, options });
  });
  return out;
}
