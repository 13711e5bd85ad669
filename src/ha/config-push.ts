import { createHash } from 'node:crypto';

/**
 * One relationship config (docs/ha.md, "One relationship config"): which part of a `kea-dhcp4.conf`
 * the two partners share, so the primary can push it and both can hash it, and how a pushed shared
 * part is merged into a server's own file. Pure functions over the config JSON (`{"Dhcp4": …}`).
 *
 * Shared: what clients get and the relationship itself — the keys in SHARED_DHCP4_KEYS (subnets with
 * their pools, options, reservations and exclusions; global options and lifetimes…) and the HA
 * relationship (mode, timers, both peers' entries…). Local: everything else — this server's
 * identity and plumbing (interfaces-config, lease-database, control sockets, loggers, hooks-libraries,
 * dhcp-ddns, multi-threading…), the relationship's LOCAL_HA_KEYS, and each subnet's `interface`
 * (interface names differ between machines). A key tandem does not know stays local: nothing
 * unknown is ever overwritten on the partner.
 */

/** Dhcp4 keys that belong to the relationship (pushed by the primary, covered by the hash). */
export const SHARED_DHCP4_KEYS: readonly string[] = [
  'subnet4', 'shared-networks', 'option-data', 'option-def', 'client-classes', 'reservations',
  'valid-lifetime', 'min-valid-lifetime', 'max-valid-lifetime', 'renew-timer', 'rebind-timer',
  'calculate-tee-times', 't1-percent', 't2-percent', 'authoritative', 'match-client-id', 'offer-delay-ms',
  'reservations-global', 'reservations-in-subnet', 'reservations-out-of-pool', 'reservation-mode',
  'host-reservation-identifiers', 'decline-probation-period', 'next-server', 'server-hostname', 'boot-file-name',
  'ddns-send-updates', 'ddns-override-no-update', 'ddns-override-client-update', 'ddns-replace-client-name',
  'ddns-generated-prefix', 'ddns-qualifying-suffix', 'ddns-update-on-renew', 'ddns-use-conflict-resolution',
  'hostname-char-set', 'hostname-char-replacement',
];

/**
 * Keys of the relationship that stay with each server: its name, the secret (never sent over the
 * link it authenticates; both sides need it before a push is accepted at all) and its own TLS
 * identity. Everything else of the relationship, both peers' entries included, is shared.
 */
export const LOCAL_HA_KEYS: readonly string[] = ['this-server-name', 'shared-secret', 'shared-secret-file', 'trust-anchor', 'cert-file', 'key-file'];

/** Subnet keys that stay local (kept from the partner's subnet with the same id). */
const LOCAL_SUBNET_KEYS: readonly string[] = ['interface'];

const HA_LIBRARY = 'libdhcp_ha.so';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The shared part, as Kea JSON: `{"Dhcp4": {<shared keys>, "high-availability": [<relationship minus local keys>]}}`. */
export type SharedConfig = { readonly Dhcp4: Readonly<Obj> };

export type MergeResult = { readonly ok: true; readonly json: { Dhcp4: Obj } } | { readonly ok: false; readonly reason: string };

/** Where a config holds its relationship: tandem's `Dhcp4.high-availability[0]` or Kea's hook parameters. */
function relationshipSlot(dhcp4: Obj): { get(): Obj | null; set(rel: Obj): void } | null {
  const top = dhcp4['high-availability'];
  if (Array.isArray(top)) {
    return { get: () => (isObj(top[0]) ? top[0] : null), set: (rel) => { dhcp4['high-availability'] = [rel, ...top.slice(1)]; } };
  }
  const libs = dhcp4['hooks-libraries'];
  if (!Array.isArray(libs)) return null;
  for (const lib of libs) {
    if (!isObj(lib) || typeof lib['library'] !== 'string' || !lib['library'].endsWith(HA_LIBRARY)) continue;
    const params = lib['parameters'];
    if (!isObj(params) || !Array.isArray(params['high-availability'])) return null;
    const list = params['high-availability'] as unknown[];
    return { get: () => (isObj(list[0]) ? list[0] : null), set: (rel) => { params['high-availability'] = [rel, ...list.slice(1)]; } };
  }
  return null;
}

const without = (o: Obj, keys: readonly string[]): Obj => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/** The shared part of a config (see the file comment); a config without a relationship shares none. */
export function sharedConfigPart(configJson: unknown): SharedConfig {
  const dhcp4 = isObj(configJson) && isObj(configJson['Dhcp4']) ? configJson['Dhcp4'] : {};
  const out: Obj = {};
  for (const key of SHARED_DHCP4_KEYS) {
    if (dhcp4[key] === undefined) continue;
    out[key] = key === 'subnet4' && Array.isArray(dhcp4[key])
      ? dhcp4[key].map((s: unknown) => (isObj(s) ? without(s, LOCAL_SUBNET_KEYS) : s))
      : dhcp4[key];
  }
  const rel = relationshipSlot(dhcp4)?.get() ?? null;
  if (rel !== null) out['high-availability'] = [without(rel, LOCAL_HA_KEYS)];
  return structuredClone({ Dhcp4: out });
}

/** JSON with every object's keys sorted: the same data gives the same text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObj(value)) {
    return `{${Object.keys(value).filter((k) => value[k] !== undefined).sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 hex of the canonical shared part: what a heartbeat's `config-hash` carries. */
export function hashSharedConfig(shared: SharedConfig): string {
  return createHash('sha256').update(canonicalJson(shared)).digest('hex');
}

/**
 * This server's config with the pushed shared part in place of its own: every shared key is
 * replaced (or removed when the push lacks it), every local key kept, the relationship stays where
 * this file has it (top level or hook parameters) with its local keys, and each subnet keeps its
 * local `interface` by id. The result is only a candidate: the caller validates it (config-set).
 */
export function mergeSharedConfig(localJson: unknown, shared: unknown): MergeResult {
  if (!isObj(shared) || !isObj(shared['Dhcp4'])) return { ok: false, reason: 'the pushed config has no Dhcp4 map' };
  const pushed = shared['Dhcp4'];
  const unknown = Object.keys(pushed).filter((k) => k !== 'high-availability' && !SHARED_DHCP4_KEYS.includes(k));
  if (unknown.length > 0) return { ok: false, reason: `the pushed config holds keys that are not shared: ${unknown.join(', ')}` };
  const pushedRels = pushed['high-availability'];
  const pushedRel = Array.isArray(pushedRels) && pushedRels.length === 1 && isObj(pushedRels[0]) ? pushedRels[0] : null;
  if (pushedRel === null) return { ok: false, reason: 'the pushed config must hold exactly one high-availability relationship' };
  const localKeys = Object.keys(pushedRel).filter((k) => LOCAL_HA_KEYS.includes(k));
  if (localKeys.length > 0) return { ok: false, reason: `the pushed relationship holds local keys: ${localKeys.join(', ')}` };

  const root: Obj = isObj(localJson) ? structuredClone(localJson) : {};
  const dhcp4: Obj = isObj(root['Dhcp4']) ? root['Dhcp4'] : {};
  root['Dhcp4'] = dhcp4;
  const slot = relationshipSlot(dhcp4);
  const localRel = slot?.get() ?? null;
  if (slot === null || localRel === null) return { ok: false, reason: 'this server has no high-availability relationship to merge into' };

  const localIfaces = new Map<unknown, unknown>();
  const oldSubnets = dhcp4['subnet4'];
  if (Array.isArray(oldSubnets)) {
    for (const s of oldSubnets) if (isObj(s) && s['interface'] !== undefined) localIfaces.set(s['id'], s['interface']);
  }
  for (const key of SHARED_DHCP4_KEYS) delete dhcp4[key];
  for (const [key, value] of Object.entries(structuredClone(pushed))) {
    if (key === 'high-availability') continue;
    dhcp4[key] = key === 'subnet4' && Array.isArray(value)
      ? value.map((s: unknown) => (isObj(s) && localIfaces.has(s['id']) ? { ...s, interface: localIfaces.get(s['id']) } : s))
      : value;
  }
  const rel: Obj = { ...structuredClone(pushedRel) };
  for (const key of LOCAL_HA_KEYS) if (localRel[key] !== undefined) rel[key] = localRel[key];
  slot.set(rel);
  return { ok: true, json: root as { Dhcp4: Obj } };
}
