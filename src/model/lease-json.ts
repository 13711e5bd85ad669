import { formatHex, formatIp4, parseHex, parseIp4 } from '../util/index.ts';
import { LEASE_STATE_CODE } from './lease4.ts';
import type { Lease4, LeaseState } from './lease4.ts';

/** A lease as Kea's control API and HA protocol spell it (Lease4::toElement). */
export type KeaLease4Json = {
  'ip-address': string;
  'hw-address': string;
  'client-id'?: string;
  'valid-lft': number;
  cltt: number;
  'subnet-id': number;
  hostname: string;
  state: number;
  'fqdn-fwd': boolean;
  'fqdn-rev': boolean;
};

const STATE_BY_CODE: readonly LeaseState[] = ['default', 'declined', 'expired-reclaimed'];
const U32 = 0xffffffff;

/** Kea's lease JSON (lease4-get and friends). */
export function leaseToKeaJson(l: Lease4): KeaLease4Json {
  return keaJson(l, false);
}

/**
 * Kea's lease JSON plus `expire` (= cltt + valid-lft), as HA sends leases to the partner. Every
 * replicated lease is built here, so the object is made in one literal, not copied and extended.
 */
export function leaseToHaJson(l: Lease4): KeaLease4Json & { expire: number } {
  return keaJson(l, true) as KeaLease4Json & { expire: number };
}

function keaJson(l: Lease4, withExpire: boolean): KeaLease4Json & { expire?: number } {
  const out: KeaLease4Json & { expire?: number } = {
    'ip-address': formatIp4(l.address),
    'hw-address': l.hwAddress,
    'valid-lft': l.validLifetime,
    cltt: l.cltt,
    'subnet-id': l.subnetId,
    hostname: l.hostname,
    state: LEASE_STATE_CODE[l.state],
    'fqdn-fwd': false,
    'fqdn-rev': false,
  };
  if (withExpire) out.expire = l.cltt + l.validLifetime;
  // Kea omits client-id when the lease has none.
  if (l.clientId !== null) out['client-id'] = l.clientId;
  return out;
}

/**
 * Validates Kea lease JSON (as sent in lease4-update / lease4-add / lease4-get-page answers).
 * Hex fields are normalised to lower-case colon form. `cltt` may be given as Kea's `expire`
 * (cltt = expire − valid-lft). Unknown keys (user-context, pool-id, force-create, origin…) are ignored.
 */
export function leaseFromKeaJson(v: unknown): { lease: Lease4 } | { error: string } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'lease: expected an object' };
  const o = v as Record<string, unknown>;
  const ipText = o['ip-address'];
  if (typeof ipText !== 'string') return { error: "'ip-address': expected a string" };
  const address = parseIp4(ipText);
  if (address === null) return { error: `'ip-address': '${ipText}' is not an IPv4 address` };

  let hwAddress = '';
  const hw = o['hw-address'];
  if (typeof hw === 'string' && isCanonicalHex(hw, 20)) {
    hwAddress = hw;
  } else if (hw !== undefined && hw !== '') {
    const bytes = typeof hw === 'string' ? parseHex(hw) : null;
    if (bytes === null || bytes.length > 20) return { error: "'hw-address': expected up to 20 hex bytes" };
    hwAddress = formatHex(bytes);
  }

  let clientId: string | null = null;
  const cid = o['client-id'];
  if (typeof cid === 'string' && cid !== '' && isCanonicalHex(cid, 255)) {
    clientId = cid;
  } else if (cid !== undefined && cid !== null) {
    const bytes = typeof cid === 'string' ? parseHex(cid) : null;
    if (bytes === null || bytes.length === 0 || bytes.length > 255) return { error: "'client-id': expected 1 to 255 hex bytes" };
    clientId = formatHex(bytes);
  }

  const validLifetime = o['valid-lft'];
  if (!isUint(validLifetime)) return { error: "'valid-lft': expected an integer 0..4294967295" };
  const subnetId = o['subnet-id'];
  if (!isUint(subnetId)) return { error: "'subnet-id': expected an integer 0..4294967295" };

  let cltt: number;
  if (o['cltt'] !== undefined) {
    if (!isNonNegInt(o['cltt'])) return { error: "'cltt': expected a non-negative integer (seconds since the epoch)" };
    cltt = o['cltt'];
  } else if (o['expire'] !== undefined) {
    const expire = o['expire'];
    if (!isNonNegInt(expire) || expire < validLifetime) return { error: "'expire': expected an integer ≥ valid-lft" };
    cltt = expire - validLifetime;
  } else {
    return { error: "'cltt': required (or 'expire')" };
  }

  const hostname = o['hostname'] ?? '';
  if (typeof hostname !== 'string' || hostname.length > 255) return { error: "'hostname': expected a string of at most 255 characters" };

  const stateCode = o['state'] ?? 0;
  const state = typeof stateCode === 'number' && Number.isInteger(stateCode) ? STATE_BY_CODE[stateCode] : undefined;
  if (state === undefined) return { error: "'state': expected 0 (default), 1 (declined) or 2 (expired-reclaimed)" };

  for (const key of ['fqdn-fwd', 'fqdn-rev'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') return { error: `'${key}': expected a boolean` };
  }
  return { lease: { address, hwAddress, clientId, subnetId, cltt, validLifetime, hostname, state } };
}

/**
 * True for text already in the normalised form (lower-case two-digit groups joined by ':', at most
 * `maxBytes` groups; '' for none): what tandem and Kea send, so parseHex + formatHex can be skipped.
 * Every HA-replicated lease passes here, twice per address (hw-address, client-id).
 */
function isCanonicalHex(text: string, maxBytes: number): boolean {
  const n = text.length;
  if (n === 0) return true;
  if (n % 3 !== 2 || (n + 1) / 3 > maxBytes) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (i % 3 === 2) {
      if (c !== 58) return false; // ':'
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) { // 0-9 a-f
      return false;
    }
  }
  return true;
}

function isNonNegInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isUint(x: unknown): x is number {
  return isNonNegInt(x) && x <= U32;
}
