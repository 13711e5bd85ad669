import { isAbsolute, resolve } from 'node:path';
import type { ExpiredLeasesProcessing, InterfaceSpec, LeaseDatabase } from '../model/index.ts';
import { parseIp4 } from '../util/index.ts';
import { childPath } from './jsonc.ts';
import { describe } from './reader.ts';
import type { ObjectReader } from './reader.ts';
import { checkKeys, EXPIRED_KEYS, INTERFACES_KEYS, LEASE_DATABASE_KEYS, SQL_DATABASE_KEYS } from './schema.ts';

export const DEFAULT_DATA_DIR = '/var/lib/tandem';
export const DEFAULT_LEASE_FILE = 'leases4.jsonl';

/** Linux interface names: up to 15 characters, no whitespace or '/'. */
const IFNAME = /^[A-Za-z0-9_.:@-]{1,15}$/;

/** `interfaces-config`: `"eth0"`, `"eth0/192.0.2.1"`, `"*"`. */
export function readInterfaces(dhcp4: ObjectReader): InterfaceSpec[] {
  const r = dhcp4.map('interfaces-config');
  if (r === undefined) return [];
  checkKeys(r, INTERFACES_KEYS);
  r.annotations();
  const socketType = r.str('dhcp-socket-type');
  if (socketType !== undefined && socketType !== 'raw' && socketType !== 'udp') {
    r.c.error(r.at('dhcp-socket-type'), `must be 'raw' or 'udp', not '${socketType}'`);
  }
  r.bool('re-detect');
  r.bool('service-sockets-require-all');
  r.int('service-sockets-max-retries');
  r.int('service-sockets-retry-wait-time');
  const list = r.list('interfaces') ?? [];
  const out: InterfaceSpec[] = [];
  const seen = new Set<string>();
  list.forEach((v, i) => {
    const path = childPath(r.at('interfaces'), i);
    if (typeof v !== 'string') {
      r.c.error(path, `an interface must be a string, not ${describe(v)}`);
      return;
    }
    const spec = parseInterface(v);
    if (spec === null) {
      r.c.error(path, `'${v}' is not an interface (expected 'eth0', 'eth0/192.0.2.1' or '*')`);
      return;
    }
    if (seen.has(v)) {
      r.c.warn(path, `interface '${v}' is listed twice`);
      return;
    }
    seen.add(v);
    out.push(spec);
  });
  return out;
}

export function parseInterface(text: string): InterfaceSpec | null {
  if (text === '*') return { name: '*', address: null };
  const slash = text.indexOf('/');
  const name = slash < 0 ? text : text.slice(0, slash);
  if (!IFNAME.test(name)) return null;
  if (slash < 0) return { name, address: null };
  const address = parseIp4(text.slice(slash + 1));
  return address === null ? null : { name, address };
}

export type LeaseDatabaseOptions = { baseDir: string | undefined; dataDir: string };

/** `lease-database`: memfile only; a relative `name` is resolved against baseDir (else dataDir). */
export function readLeaseDatabase(dhcp4: ObjectReader, o: LeaseDatabaseOptions): LeaseDatabase {
  const fallback: LeaseDatabase = {
    type: 'memfile', persist: true, name: resolve(o.dataDir, DEFAULT_LEASE_FILE), lfcInterval: 3600,
  };
  const r = dhcp4.map('lease-database');
  if (r === undefined) return fallback;
  const type = r.str('type');
  const sql = type === 'mysql' || type === 'postgresql';
  checkKeys(r, LEASE_DATABASE_KEYS, sql ? SQL_DATABASE_KEYS : []);
  r.annotations();
  if (type === undefined && !r.has('type')) {
    r.c.error(r.path, `'type' is required (tandem supports 'memfile')`);
  } else if (sql) {
    r.c.error(r.at('type'), `lease database type '${type}' is not supported yet by tandem (PostgreSQL is planned)`);
  } else if (type !== undefined && type !== 'memfile') {
    r.c.error(r.at('type'), `unknown lease database type '${type}' (tandem supports 'memfile')`);
  }
  const persist = r.bool('persist') ?? true;
  const lfcInterval = r.int('lfc-interval') ?? 3600;
  r.int('max-row-errors');
  const name = r.str('name');
  if (name === '') r.c.error(r.at('name'), `must not be empty`);
  let file = fallback.name;
  if (name !== undefined && name !== '') file = isAbsolute(name) ? name : resolve(o.baseDir ?? o.dataDir, name);
  return { type: 'memfile', persist, name: file, lfcInterval };
}

const EXPIRED_DEFAULTS: ExpiredLeasesProcessing = {
  reclaimTimerWaitTime: 10,
  flushReclaimedTimerWaitTime: 25,
  holdReclaimedTime: 3600,
  maxReclaimLeases: 100,
  maxReclaimTime: 250,
  unwarnedReclaimCycles: 5,
};

export function readExpiredLeasesProcessing(dhcp4: ObjectReader): ExpiredLeasesProcessing {
  const r = dhcp4.map('expired-leases-processing');
  if (r === undefined) return EXPIRED_DEFAULTS;
  checkKeys(r, EXPIRED_KEYS);
  r.annotations();
  const d = EXPIRED_DEFAULTS;
  return {
    reclaimTimerWaitTime: r.int('reclaim-timer-wait-time', 0, 0x7fffffff) ?? d.reclaimTimerWaitTime,
    flushReclaimedTimerWaitTime: r.int('flush-reclaimed-timer-wait-time', 0, 0x7fffffff) ?? d.flushReclaimedTimerWaitTime,
    holdReclaimedTime: r.int('hold-reclaimed-time') ?? d.holdReclaimedTime,
    maxReclaimLeases: r.int('max-reclaim-leases') ?? d.maxReclaimLeases,
    maxReclaimTime: r.int('max-reclaim-time') ?? d.maxReclaimTime,
    unwarnedReclaimCycles: r.int('unwarned-reclaim-cycles') ?? d.unwarnedReclaimCycles,
  };
}

/** `dhcp-ddns` is accepted only while it stays switched off. */
export function readDhcpDdns(dhcp4: ObjectReader): void {
  const r = dhcp4.map('dhcp-ddns');
  if (r === undefined) return;
  const enabled = r.bool('enable-updates') ?? false;
  if (enabled) {
    r.c.error(r.at('enable-updates'), `DNS updates ('dhcp-ddns' with enable-updates true) are supported by Kea but not yet by tandem`);
  } else {
    r.c.warn(r.path, `'dhcp-ddns' is ignored by tandem (updates are disabled)`, 'key');
  }
}
