import type { Config4, Subnet4 } from '../model/index.ts';
import type { Ip4 } from '../util/index.ts';
import { sortIssues } from './config-issue.ts';
import type { ConfigIssue } from './config-issue.ts';
import {
  DEFAULT_DATA_DIR, readDhcpDdns, readExpiredLeasesProcessing, readInterfaces, readLeaseDatabase,
} from './global-sections.ts';
import { readControlSockets } from './control-sockets.ts';
import { readHighAvailability } from './ha-config.ts';
import { childPath, parseJsonc } from './jsonc.ts';
import type { JsoncOptions, JsonValue } from './jsonc.ts';
import { mergeOptions } from './option-data.ts';
import { formatPrefix4, formatRange4, prefixLast, rangesOverlap } from './ranges.ts';
import { elementReader, IssueCollector, isObject, ObjectReader, describe } from './reader.ts';
import { checkKeys, DHCP4_KEYS, TOP_KEYS } from './schema.ts';
import { readScope, resolveLifetimes } from './scope.ts';
import type { ScopeParams } from './scope.ts';
import { readSubnet } from './subnet-reader.ts';
import type { SubnetDraft } from './subnet-reader.ts';
import { deepFreeze, freezeOptions } from './snapshot.ts';

export type ParseConfig4Options = {
  /** Names the file in messages and in `Config4.source`. */
  source?: string;
  /** Resolves relative lease-database names and `<?include?>` paths. */
  baseDir?: string;
  /** Where the lease journal goes when `lease-database.name` is absent (default /var/lib/tandem). */
  dataDir?: string;
  /** Reads an included file, given its path resolved against the including file's directory. */
  readInclude?: (path: string) => string;
  /** Reads a control API credentials file (`user-file`, `password-file`); without it those keys are errors. */
  readFile?: (path: string) => string;
};

export type ParseConfig4Result = {
  config: Config4 | null;
  issues: ConfigIssue[];
  /** The JSON as read (comments dropped, includes spliced in); what config-get and config-write show. */
  json?: unknown;
};

/**
 * Text in, frozen snapshot or every problem out: parse → validate → derive → freeze (STYLE R9).
 * Pure apart from `readInclude`. `config` is null iff any issue is an error.
 */
export function parseConfig4(text: string, opts: ParseConfig4Options = {}): ParseConfig4Result {
  const jsonOpts: JsoncOptions = {};
  if (opts.source !== undefined) jsonOpts.source = opts.source;
  const readInclude = opts.readInclude;
  if (readInclude !== undefined) {
    jsonOpts.readInclude = (path, from) => {
      const resolved = resolveInclude(path, from, opts);
      return { source: resolved, text: readInclude(resolved) };
    };
  }
  const json = parseJsonc(text, jsonOpts);
  if (json.value === undefined) return { config: null, issues: sortIssues(json.issues, jsonOpts.source ?? '<config>') };
  const c = new IssueCollector(json.valuePos, json.keyPos, jsonOpts.source ?? '<config>');
  c.issues.push(...json.issues);
  const config = build(json.value, c, opts);
  const issues = sortIssues(c.issues, jsonOpts.source ?? '<config>');
  return { config: c.errorCount === 0 ? config : null, issues, json: json.value };
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}

/** An include is resolved against the including file's directory; the main file's is `baseDir`. */
function resolveInclude(path: string, from: string, opts: ParseConfig4Options): string {
  if (path.startsWith('/')) return path;
  const dir = from === (opts.source ?? '<config>') ? (opts.baseDir ?? '.') : dirname(from);
  return `${dir.replace(/\/+$/, '')}/${path}`;
}

function build(root: JsonValue, c: IssueCollector, opts: ParseConfig4Options): Config4 | null {
  if (!isObject(root)) {
    c.error('', `the file must hold a map with a 'Dhcp4' entry, not ${describe(root)}`);
    return null;
  }
  const top = new ObjectReader(root, '', c);
  checkKeys(top, TOP_KEYS);
  const dhcp4 = top.map('Dhcp4');
  if (dhcp4 === undefined) {
    if (!top.has('Dhcp4')) c.error('', `'Dhcp4' is missing: tandem reads the Dhcp4 part of a kea-dhcp4.conf file`);
    return null;
  }
  checkKeys(dhcp4, DHCP4_KEYS);
  dhcp4.annotations();
  const interfaces = readInterfaces(dhcp4);
  const leaseDatabase = readLeaseDatabase(dhcp4, { baseDir: opts.baseDir, dataDir: opts.dataDir ?? DEFAULT_DATA_DIR });
  const expiredLeasesProcessing = readExpiredLeasesProcessing(dhcp4);
  const controlSockets = readControlSockets(dhcp4, { leaseFile: leaseDatabase.name, baseDir: opts.baseDir, readFile: opts.readFile });
  const ha = readHighAvailability(dhcp4, { baseDir: opts.baseDir, readFile: opts.readFile });
  const declineProbationPeriod = dhcp4.int('decline-probation-period') ?? 86400;
  readDhcpDdns(dhcp4);
  const global = readScope(dhcp4);

  const drafts: SubnetDraft[] = [];
  (dhcp4.list('subnet4') ?? []).forEach((v, i) => {
    const r = elementReader(v, childPath(dhcp4.at('subnet4'), i), c, 'a subnet');
    if (r !== undefined) drafts.push(readSubnet(r));
  });
  checkAcrossSubnets(drafts, c);
  assignIds(drafts, c);
  const listed = new Set(interfaces.map((i) => i.name));
  const subnets: Subnet4[] = [];
  for (const d of drafts) {
    if (d.interface !== null && !listed.has(d.interface) && !listed.has('*')) {
      c.warn(d.reader.at('interface'), `interface '${d.interface}' is not listed in Dhcp4.interfaces-config.interfaces`);
    }
    const s = deriveSubnet(d, global, c);
    if (s !== null) subnets.push(s);
  }
  if (drafts.length === 0) c.warn(dhcp4.has('subnet4') ? dhcp4.at('subnet4') : dhcp4.path, `no subnets are configured: tandem will not hand out addresses`);
  return deepFreeze({
    interfaces,
    leaseDatabase,
    subnets,
    declineProbationPeriod,
    expiredLeasesProcessing: { ...expiredLeasesProcessing },
    controlSockets,
    ha,
    source: opts.source ?? null,
  });
}

/** Duplicate ids, overlapping subnets, overlapping pools (within a subnet and across subnets). */
function checkAcrossSubnets(drafts: SubnetDraft[], c: IssueCollector): void {
  const ids = new Map<number, SubnetDraft>();
  for (const d of drafts) {
    if (d.id === undefined) continue;
    const prev = ids.get(d.id);
    if (prev !== undefined) c.error(d.reader.at('id'), `subnet id ${d.id} is already used by ${prev.path}`);
    else ids.set(d.id, d);
  }
  type Span = { range: readonly [Ip4, Ip4]; path: string; label: string };
  const sweep = (spans: Span[], what: string) => {
    spans.sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
    let widest: Span | undefined;
    for (const s of spans) {
      if (widest !== undefined && rangesOverlap(widest.range, s.range)) {
        const same = widest.range[0] === s.range[0] && widest.range[1] === s.range[1];
        c.error(s.path, `${what} ${s.label} ${same ? 'duplicates' : 'overlaps'} ${widest.label} (${widest.path})`);
      }
      if (widest === undefined || s.range[1] > widest.range[1]) widest = s;
    }
  };
  const subnetSpans: Span[] = [];
  for (const d of drafts) {
    if (d.prefix === undefined) continue;
    subnetSpans.push({
      range: [d.prefix.network, prefixLast(d.prefix)], path: d.reader.at('subnet'), label: formatPrefix4(d.prefix),
    });
  }
  sweep(subnetSpans, 'subnet');
  sweep(drafts.flatMap((d) => d.pools.map((p) => ({ range: p.range, path: p.path, label: formatRange4(p.range) }))), 'pool');
}

/**
 * Kea 2.2 numbers subnets without an `id` 1, 2, 3… in file order and then fails if that clashes with
 * an explicit id. tandem skips ids that are taken instead, and warns: an explicit id is what keeps
 * leases attached to a subnet when subnets are added, removed or reordered.
 */
function assignIds(drafts: SubnetDraft[], c: IssueCollector): void {
  const used = new Set(drafts.flatMap((d) => (d.id === undefined ? [] : [d.id])));
  let next = 1;
  for (const d of drafts) {
    if (d.id !== undefined) continue;
    while (used.has(next)) next++;
    d.id = next;
    used.add(next);
    if (d.reader.obj['id'] === undefined || d.reader.obj['id'] === 0) c.warn(d.path, `subnet has no 'id'; using ${next}. Give it an explicit id so that its leases stay attached when subnets are edited`);
  }
}

function deriveSubnet(d: SubnetDraft, global: ScopeParams, c: IssueCollector): Subnet4 | null {
  const times = resolveLifetimes(global, d.scope, d.reader);
  if (d.prefix === undefined || d.id === undefined || times === undefined) return null;
  for (const x of d.exclusions) {
    if (!d.pools.some((p) => rangesOverlap(p.range, x.range))) {
      c.warn(x.path, `exclusion ${formatRange4(x.range)} is not inside any pool of this subnet`);
    }
  }
  return {
    id: d.id,
    network: d.prefix.network,
    prefixLength: d.prefix.length,
    pools: d.pools.map((p) => ({ first: p.range[0], last: p.range[1], options: freezeOptions(p.options) })),
    relayAddresses: d.relayAddresses,
    interface: d.interface,
    reservations: d.reservations.map((r) => ({
      hwAddress: r.hwAddress, clientId: r.clientId, address: r.address, hostname: r.hostname,
      options: freezeOptions(r.options),
    })),
    options: freezeOptions(mergeOptions(global.options, d.scope.options)),
    exclusions: d.exclusions.map((x) => [x.range[0], x.range[1]] as const),
    validLifetime: times.lifetime,
    renewTimer: times.renewTimer,
    rebindTimer: times.rebindTimer,
    authoritative: d.scope.authoritative ?? global.authoritative ?? false,
    matchClientId: d.scope.matchClientId ?? global.matchClientId ?? true,
    offerDelayMs: d.scope.offerDelayMs ?? global.offerDelayMs ?? 0,
  };
}
