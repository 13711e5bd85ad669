// Writes N synthetic leases twice: as a tandem journal (encodeRecord, one JSON line per lease) and as a
// Kea 2.2 memfile lease4 CSV. Same addresses, MACs, lifetimes and subnet in both.
import { openSync, writeSync, closeSync } from 'node:fs';
import { encodeRecord } from '../../src/store/journal/index.ts';
import type { Lease4 } from '../../src/model/index.ts';

export const KEA_LEASE4_HEADER = 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context';

export type SyntheticLeases = {
  /** first address (uint32); lease i has address first + i */
  first: number;
  count: number;
  subnetId: number;
  cltt: number;
  validLifetime: number;
};

const hex2 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');
/** 02:dd:<i as 4 bytes>: locally administered, never one perfdhcp (02:cc:…) uses. */
const macOf = (i: number): string => `02:dd:${hex2(i >>> 24)}:${hex2(i >>> 16)}:${hex2(i >>> 8)}:${hex2(i)}`;
const dotted = (n: number): string => `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;

function writeLines(path: string, header: string | null, count: number, line: (i: number) => string): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    let buf = header === null ? '' : header + '\n';
    for (let i = 0; i < count; i++) {
      buf += line(i);
      if (buf.length > 1 << 20) {
        bytes += writeSync(fd, buf);
        buf = '';
      }
    }
    bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

export function lease(s: SyntheticLeases, i: number): Lease4 {
  return {
    address: (s.first + i) >>> 0, hwAddress: macOf(i), clientId: null, subnetId: s.subnetId,
    cltt: s.cltt, validLifetime: s.validLifetime, hostname: '', state: 'default',
  };
}

/** Returns the bytes written. */
export function writeTandemJournal(path: string, s: SyntheticLeases): number {
  return writeLines(path, null, s.count, (i) => encodeRecord(lease(s, i), i + 1));
}

/** Returns the bytes written. */
export function writeKeaCsv(path: string, s: SyntheticLeases): number {
  const expire = s.cltt + s.validLifetime;
  const tail = `,,${s.validLifetime},${expire},${s.subnetId},0,0,,0,\n`;
  return writeLines(path, KEA_LEASE4_HEADER, s.count, (i) => `${dotted((s.first + i) >>> 0)},${macOf(i)}${tail}`);
}
