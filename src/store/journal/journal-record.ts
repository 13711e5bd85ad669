import { formatIp4, parseIp4 } from '../../util/index.ts';
import type { Ip4 } from '../../util/index.ts';
import type { Lease4, LeaseState } from '../../model/index.ts';

/** The journal record version this code writes. Older versions are read with defaults for new fields. */
export const JOURNAL_RECORD_VERSION = 1;

/** One decoded journal line: a full lease snapshot, or a tombstone for an address. */
export type JournalRecord =
  | { readonly kind: 'put'; readonly lease: Lease4; readonly seq: number }
  | { readonly kind: 'delete'; readonly address: Ip4; readonly seq: number };

export type DecodedRecord = JournalRecord | { readonly kind: 'skip'; readonly reason: string } | { readonly kind: 'bad'; readonly reason: string };

const LEASE_STATES: ReadonlySet<string> = new Set<LeaseState>(['default', 'declined', 'expired-reclaimed']);

/**
 * Encodes a lease snapshot (or, with `deleted`, its tombstone) as one line including the newline.
 * Every committed lease change is encoded here, so the line is written as text, with the same keys
 * in the same order as JSON.stringify of the record object (what the slow path below still does for
 * numbers JSON would spell differently, such as NaN); strings go through JSON.stringify for escaping.
 */
export function encodeRecord(lease: Lease4, seq: number, deleted = false): string {
  const { cltt, validLifetime: valid, subnetId: subnet } = lease;
  if (Number.isFinite(cltt) && Number.isFinite(valid) && Number.isFinite(subnet) && Number.isFinite(seq)) {
    const a = lease.address;
    const cid = lease.clientId === null ? 'null' : JSON.stringify(lease.clientId);
    return `{"v":${JOURNAL_RECORD_VERSION},"family":4,"addr":"${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}",`
      + `"hw":${JSON.stringify(lease.hwAddress)},"cid":${cid},"subnet":${subnet},"cltt":${cltt},"valid":${valid},`
      + `"state":${JSON.stringify(deleted ? 'deleted' : lease.state)},"host":${JSON.stringify(lease.hostname)},"seq":${seq}}\n`;
  }
  return encodeRecordSlow(lease, seq, deleted);
}

function encodeRecordSlow(lease: Lease4, seq: number, deleted: boolean): string {
  return JSON.stringify({
    v: JOURNAL_RECORD_VERSION,
    family: 4,
    addr: formatIp4(lease.address),
    hw: lease.hwAddress,
    cid: lease.clientId,
    subnet: lease.subnetId,
    cltt: lease.cltt,
    valid: lease.validLifetime,
    state: deleted ? 'deleted' : lease.state,
    host: lease.hostname,
    seq,
  }) + '\n';
}

/**
 * Decodes one line (without its newline). `bad` means the line is not a record at all (torn or
 * corrupt); `skip` means a well-formed record this code does not apply (another family, newer
 * major version).
 */
export function decodeRecord(line: string): DecodedRecord {
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch {
    return { kind: 'bad', reason: 'not JSON' };
  }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return { kind: 'bad', reason: 'not an object' };
  const o = r as Record<string, unknown>;
  if (typeof o['v'] !== 'number' || !Number.isInteger(o['v']) || o['v'] < 1) return { kind: 'bad', reason: 'v' };
  const family = o['family'] ?? 4;
  if (family !== 4) return { kind: 'skip', reason: `family ${String(family)}` };
  const address = typeof o['addr'] === 'string' ? parseIp4(o['addr']) : null;
  if (address === null) return { kind: 'bad', reason: 'addr' };
  const seq = typeof o['seq'] === 'number' && Number.isFinite(o['seq']) ? o['seq'] : 0;
  const state = o['state'];
  if (state === 'deleted') return { kind: 'delete', address, seq };
  if (typeof state !== 'string' || !LEASE_STATES.has(state)) return { kind: 'bad', reason: 'state' };
  const hw = o['hw'] ?? '';
  const cid = o['cid'] ?? null;
  const subnet = o['subnet'];
  const cltt = o['cltt'];
  const valid = o['valid'];
  const host = o['host'] ?? '';
  if (typeof hw !== 'string') return { kind: 'bad', reason: 'hw' };
  if (cid !== null && typeof cid !== 'string') return { kind: 'bad', reason: 'cid' };
  if (typeof subnet !== 'number' || !Number.isInteger(subnet) || subnet < 0) return { kind: 'bad', reason: 'subnet' };
  if (typeof cltt !== 'number' || !Number.isFinite(cltt)) return { kind: 'bad', reason: 'cltt' };
  if (typeof valid !== 'number' || !Number.isFinite(valid) || valid < 0) return { kind: 'bad', reason: 'valid' };
  if (typeof host !== 'string') return { kind: 'bad', reason: 'host' };
  const lease: Lease4 = {
    address, hwAddress: hw, clientId: cid, subnetId: subnet, cltt, validLifetime: valid,
    hostname: host, state: state as LeaseState,
  };
  return { kind: 'put', lease, seq };
}
