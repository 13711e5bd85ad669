import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import type { HaConfig, HaMode, HaPeer, HaRole, HaTls } from '../model/index.ts';
import { childPath } from './jsonc.ts';
import type { JsonValue } from './jsonc.ts';
import { elementReader } from './reader.ts';
import type { ObjectReader } from './reader.ts';
import { checkKeys, HA_KEYS, HA_PEER_KEYS, HOOK_LIBRARY_KEYS } from './schema.ts';
import type { KeyTable } from './schema.ts';

/** Kea's defaults (ha_config_parser.cc, 2.2) plus tandem's additions (docs/ha.md "Configuration"). */
export const HA_DEFAULTS = {
  heartbeatDelayMs: 10_000,
  maxResponseDelayMs: 60_000,
  maxAckDelayMs: 10_000,
  maxUnackedClients: 10,
  maxRejectedLeaseUpdates: 10,
  delayedUpdatesLimitLoadBalancing: 100,
  syncPageLimit: 10_000,
  syncTimeoutMs: 60_000,
  mcltSec: 3600,
  reservePercent: 5,
  loadBalancePercent: 50,
  clockSkewWarnSec: 30,
  clockSkewTerminateSec: 60,
} as const;

const HA_LIBRARY = 'libdhcp_ha.so';
/** tandem has Kea's lease commands built in, so loading this hook changes nothing and needs no warning. */
const LEASE_CMDS_LIBRARY = 'libdhcp_lease_cmds.so';
const HA_HOOK_PARAMETER_KEYS: KeyTable = { supported: ['high-availability'], ignored: [], refused: [] };
const MODES: readonly HaMode[] = ['hot-standby', 'load-balancing'];
const ROLES: readonly HaRole[] = ['primary', 'secondary', 'standby', 'backup'];
const TLS_KEYS = ['trust-anchor', 'cert-file', 'key-file'] as const;
const MAX_MS = 0x7fffffff;
const SHORT_SECRET = 16;

export type HaReadOptions = {
  /** Relative certificate and secret-file paths resolve against this. */
  readonly baseDir: string | undefined;
  /** Reads `shared-secret-file` and `basic-auth-password-file`; without it those keys are errors. */
  readonly readFile: ((path: string) => string) | undefined;
};

/**
 * The HA relationship, from either place it may be written: Kea's (`hooks-libraries[i]` loading
 * libdhcp_ha.so, `parameters.high-availability`) or tandem's (`Dhcp4.high-availability`). Also
 * checks the other hook libraries (accepted and ignored). Null when there is none, or on any error.
 */
export function readHighAvailability(dhcp4: ObjectReader, o: HaReadOptions): HaConfig | null {
  const fromHook = readHookLibraries(dhcp4);
  const list = dhcp4.has('high-availability') ? dhcp4.list('high-availability') : undefined;
  if (fromHook !== undefined && dhcp4.has('high-availability')) {
    dhcp4.c.error(dhcp4.at('high-availability'),
      `the HA relationship is configured twice: here and in ${fromHook.path} (${HA_LIBRARY}); keep one of them`, 'key');
    return null;
  }
  if (fromHook !== undefined) return readRelationshipList(fromHook.list, fromHook.path, dhcp4, o);
  if (list !== undefined) return readRelationshipList(list, dhcp4.at('high-availability'), dhcp4, o);
  return null;
}

type HookHa = { list: readonly JsonValue[]; path: string };

function readHookLibraries(dhcp4: ObjectReader): HookHa | undefined {
  const libs = dhcp4.list('hooks-libraries');
  if (libs === undefined) return undefined;
  if (libs.length === 0) dhcp4.c.warn(dhcp4.at('hooks-libraries'), `'hooks-libraries' is empty and ignored by tandem`, 'key');
  let found: HookHa | undefined;
  let haPath: string | undefined;
  libs.forEach((v, i) => {
    const r = elementReader(v, childPath(dhcp4.at('hooks-libraries'), i), dhcp4.c, 'a hook library');
    if (r === undefined) return;
    const library = r.str('library');
    if (library === undefined) {
      if (!r.has('library')) r.c.error(r.path, `'library' is required (the hook's .so path)`);
      return;
    }
    const base = library.slice(library.lastIndexOf('/') + 1);
    if (base !== HA_LIBRARY) {
      if (base !== LEASE_CMDS_LIBRARY) {
        r.c.warn(r.path, `hook library '${library}' is ignored by tandem`);
      }
      return;
    }
    checkKeys(r, HOOK_LIBRARY_KEYS);
    if (haPath !== undefined) {
      r.c.error(r.path, `${HA_LIBRARY} is loaded twice (also at ${haPath})`);
      return;
    }
    haPath = r.path;
    const params = r.map('parameters');
    if (params === undefined) {
      if (!r.has('parameters')) r.c.error(r.path, `${HA_LIBRARY} needs 'parameters' with a 'high-availability' list`);
      return;
    }
    checkKeys(params, HA_HOOK_PARAMETER_KEYS);
    const list = params.list('high-availability');
    if (list === undefined) {
      if (!params.has('high-availability')) params.c.error(params.path, `'high-availability' is required (a list with one relationship)`);
      return;
    }
    found = { list, path: params.at('high-availability') };
  });
  return found;
}

function readRelationshipList(list: readonly JsonValue[], path: string, dhcp4: ObjectReader, o: HaReadOptions): HaConfig | null {
  if (list.length === 0) {
    dhcp4.c.error(path, `list one HA relationship (or remove the key to run without HA)`);
    return null;
  }
  if (list.length > 1) {
    dhcp4.c.error(childPath(path, 1), `hub-and-spoke is not supported yet: list one relationship`);
  }
  const r = elementReader(list[0]!, childPath(path, 0), dhcp4.c, 'an HA relationship');
  return r === undefined ? null : readRelationship(r, o);
}

function readRelationship(r: ObjectReader, o: HaReadOptions): HaConfig | null {
  const errorsBefore = r.c.errorCount;
  checkKeys(r, HA_KEYS);
  r.annotations();
  const name = r.str('this-server-name')?.trim();
  if (name === undefined && !r.has('this-server-name')) r.c.error(r.path, `'this-server-name' is required (the name of this server among 'peers')`);
  else if (name === '') r.c.error(r.at('this-server-name'), `must not be empty`);
  const mode = readMode(r);
  const heartbeatDelayMs = r.int('heartbeat-delay', 1, MAX_MS) ?? HA_DEFAULTS.heartbeatDelayMs;
  const maxResponseDelayMs = r.int('max-response-delay', 1, MAX_MS) ?? HA_DEFAULTS.maxResponseDelayMs;
  const maxAckDelayMs = r.int('max-ack-delay', 0, MAX_MS) ?? HA_DEFAULTS.maxAckDelayMs;
  const maxUnackedClients = r.int('max-unacked-clients', 0, MAX_MS) ?? HA_DEFAULTS.maxUnackedClients;
  const maxRejectedLeaseUpdates = r.int('max-rejected-lease-updates', 0, MAX_MS) ?? HA_DEFAULTS.maxRejectedLeaseUpdates;
  const delayedUpdatesLimit = r.int('delayed-updates-limit', 0, MAX_MS)
    ?? (mode === 'load-balancing' ? HA_DEFAULTS.delayedUpdatesLimitLoadBalancing : 0);
  const sendLeaseUpdates = r.bool('send-lease-updates') ?? true;
  const syncLeases = r.bool('sync-leases') ?? true;
  const syncTimeoutMs = r.int('sync-timeout', 1, MAX_MS) ?? HA_DEFAULTS.syncTimeoutMs;
  const syncPageLimit = r.int('sync-page-limit', 1, MAX_MS) ?? HA_DEFAULTS.syncPageLimit;
  if (r.bool('wait-backup-ack') === true) {
    r.c.error(r.at('wait-backup-ack'), `must be false: Kea allows true only in passive-backup mode, which tandem does not support yet`);
  }
  r.map('multi-threading');
  if (r.has('state-machine')) {
    r.map('state-machine');
    r.c.warn(r.at('state-machine'), `'state-machine' is ignored by tandem (its states are never paused)`, 'key');
  }
  const requireClientCerts = r.bool('require-client-certs') ?? true;
  const restrictCommands = r.bool('restrict-commands') ?? false;
  const mcltSec = r.int('mclt', 1, MAX_MS) ?? HA_DEFAULTS.mcltSec;
  const reservePercent = r.int('reserve-percent', 0, 50) ?? HA_DEFAULTS.reservePercent;
  const loadBalancePercent = r.int('load-balance-percent', 1, 99) ?? HA_DEFAULTS.loadBalancePercent;
  const stateSwitchoverIntervalSec = r.raw('state-switchover-interval') === null ? null : (r.int('state-switchover-interval', 1, MAX_MS) ?? null);
  const clockSkewWarnSec = r.int('clock-skew-warn', 1, MAX_MS) ?? HA_DEFAULTS.clockSkewWarnSec;
  const clockSkewTerminateSec = r.int('clock-skew-terminate', 1, MAX_MS) ?? HA_DEFAULTS.clockSkewTerminateSec;
  const sharedSecret = readSharedSecret(r, o);
  const tls = readTlsTrio(r, o);

  if (mode === 'hot-standby' && delayedUpdatesLimit > 0) {
    r.c.error(r.at('delayed-updates-limit'), `must be 0 in hot-standby mode (communication-recovery is a load-balancing state)`);
  }
  if (mode === 'load-balancing' && r.has('reserve-percent')) {
    r.c.warn(r.at('reserve-percent'), `'reserve-percent' applies to hot-standby; in load-balancing the free addresses are split by 'load-balance-percent'`, 'key');
  }
  if (mode === 'hot-standby' && r.has('load-balance-percent')) {
    r.c.warn(r.at('load-balance-percent'), `'load-balance-percent' applies to load-balancing; in hot-standby the standby owns 'reserve-percent' of the free addresses`, 'key');
  }
  if (maxResponseDelayMs <= heartbeatDelayMs) {
    r.c.warn(r.at('max-response-delay'), `${maxResponseDelayMs} ms is not above heartbeat-delay (${heartbeatDelayMs} ms): one late heartbeat would count as an interruption`);
  }
  if (clockSkewWarnSec >= clockSkewTerminateSec) {
    r.c.error(r.has('clock-skew-warn') ? r.at('clock-skew-warn') : r.at('clock-skew-terminate'),
      `clock-skew-warn (${clockSkewWarnSec} s) must be below clock-skew-terminate (${clockSkewTerminateSec} s)`);
  }

  const peers = readPeers(r, tls, o);
  if (mode !== undefined && peers !== undefined) checkRoles(r, mode, peers);
  if (name !== undefined && name !== '' && peers !== undefined && !peers.some((p) => p.name === name)) {
    r.c.error(r.at('this-server-name'), `'${name}' is not the name of any of the peers (${peers.map((p) => `'${p.name}'`).join(', ')})`);
  }
  if (peers !== undefined && sharedSecret === null && name !== undefined) {
    const partners = peers.filter((p) => p.name !== name);
    if (partners.length > 0 && partners.every((p) => p.basicAuthUser === null && p.tls == null)) {
      r.c.warn(r.path, `partner messages are not authenticated: set 'shared-secret' (the same on both servers)`);
    }
  }
  if (r.c.errorCount > errorsBefore || name === undefined || mode === undefined || peers === undefined) return null;
  return {
    thisServerName: name, mode, peers, heartbeatDelayMs, maxResponseDelayMs, maxAckDelayMs, maxUnackedClients,
    maxRejectedLeaseUpdates, delayedUpdatesLimit, syncPageLimit, syncTimeoutMs, sendLeaseUpdates, syncLeases,
    mcltSec, reservePercent, loadBalancePercent, stateSwitchoverIntervalSec, sharedSecret, clockSkewWarnSec,
    clockSkewTerminateSec, tls: tls.value, requireClientCerts, restrictCommands,
  };
}

function readMode(r: ObjectReader): HaMode | undefined {
  const mode = r.str('mode');
  if (mode === undefined) {
    if (!r.has('mode')) r.c.error(r.path, `'mode' is required ('hot-standby' or 'load-balancing')`);
    return undefined;
  }
  if ((MODES as readonly string[]).includes(mode)) return mode as HaMode;
  if (mode === 'passive-backup') r.c.error(r.at('mode'), `mode 'passive-backup' is supported by Kea but not yet by tandem`);
  else r.c.error(r.at('mode'), `unknown mode '${mode}' (expected 'hot-standby' or 'load-balancing')`);
  return undefined;
}

/** A TLS trio as written at one level: each key absent (undefined), empty (''), or an absolute path. */
type TlsLevel = { readonly parts: Readonly<Record<(typeof TLS_KEYS)[number], string | undefined>>; value: HaTls | null };

function readTlsTrio(r: ObjectReader, o: HaReadOptions): TlsLevel {
  const parts = { 'trust-anchor': undefined, 'cert-file': undefined, 'key-file': undefined } as Record<(typeof TLS_KEYS)[number], string | undefined>;
  for (const key of TLS_KEYS) {
    const v = r.str(key);
    parts[key] = v === undefined || v === '' ? v : resolvePath(v, o);
  }
  return { parts, value: trio(parts) };
}

function trio(p: TlsLevel['parts']): HaTls | null {
  const [a, c, k] = [p['trust-anchor'], p['cert-file'], p['key-file']];
  return a && c && k ? { trustAnchor: a, certFile: c, keyFile: k } : null;
}

/** Kea's rule: the trio in effect for a peer (its own keys, else the relationship's) is all set or none. */
function effectiveTls(peer: ObjectReader, own: TlsLevel, global: TlsLevel): HaTls | null | undefined {
  const merged = { ...global.parts };
  for (const key of TLS_KEYS) if (peer.has(key)) merged[key] = own.parts[key];
  const set = TLS_KEYS.filter((k) => merged[k] !== undefined && merged[k] !== '');
  if (set.length === 0) return null;
  if (set.length === 3) return trio(merged);
  const missing = TLS_KEYS.filter((k) => !set.includes(k));
  peer.c.error(peer.path, `${missing.join(' and ')} missing or empty for this peer: set all of trust-anchor, cert-file and key-file, or none`);
  return undefined;
}

function readPeers(r: ObjectReader, global: TlsLevel, o: HaReadOptions): HaPeer[] | undefined {
  const list = r.list('peers');
  if (list === undefined) {
    if (!r.has('peers')) r.c.error(r.path, `'peers' is required: list both servers (this one included)`);
    return undefined;
  }
  const peers: HaPeer[] = [];
  const names = new Map<string, string>();
  const urls = new Map<string, string>();
  list.forEach((v, i) => {
    const p = elementReader(v, childPath(r.at('peers'), i), r.c, 'a peer');
    const peer = p === undefined ? undefined : readPeer(p, global, o);
    if (p === undefined || peer === undefined) return;
    const dup = names.get(peer.name);
    if (dup !== undefined) p.c.error(p.at('name'), `peer name '${peer.name}' is already used by ${dup}`);
    names.set(peer.name, p.path);
    const sameUrl = urls.get(peer.url);
    if (sameUrl !== undefined) p.c.warn(p.at('url'), `${sameUrl} has the same url`);
    urls.set(peer.url, p.path);
    peers.push(peer);
  });
  if (list.length === 0) r.c.error(r.at('peers'), `list both servers of the relationship (this one included)`);
  return peers.length === list.length ? peers : undefined;
}

function readPeer(p: ObjectReader, global: TlsLevel, o: HaReadOptions): HaPeer | undefined {
  const before = p.c.errorCount;
  checkKeys(p, HA_PEER_KEYS);
  p.annotations();
  const name = p.str('name')?.trim();
  if (name === undefined && !p.has('name')) p.c.error(p.path, `'name' is required`);
  else if (name === '') p.c.error(p.at('name'), `must not be empty`);
  const url = p.str('url');
  if (url === undefined && !p.has('url')) p.c.error(p.path, `'url' is required (e.g. "http://192.0.2.1:8000/")`);
  const urlProblem = url === undefined ? null : checkPeerUrl(url);
  if (urlProblem !== null) p.c.error(p.at('url'), urlProblem);
  const roleText = p.str('role');
  if (roleText === undefined && !p.has('role')) p.c.error(p.path, `'role' is required (primary, secondary, standby or backup)`);
  else if (roleText !== undefined && !(ROLES as readonly string[]).includes(roleText)) {
    p.c.error(p.at('role'), `unknown role '${roleText}' (expected primary, secondary, standby or backup)`);
  }
  const autoFailover = p.bool('auto-failover') ?? true;
  const user = p.str('basic-auth-user');
  if (user !== undefined && user.includes(':')) p.c.error(p.at('basic-auth-user'), `must not contain ':'`);
  let password: string | undefined;
  if (p.has('basic-auth-password') && p.has('basic-auth-password-file')) {
    p.c.error(p.at('basic-auth-password-file'), `'basic-auth-password' and 'basic-auth-password-file' are mutually exclusive`, 'key');
  } else if (p.has('basic-auth-password-file')) {
    password = readSecretFile(p, 'basic-auth-password-file', o);
  } else {
    password = p.str('basic-auth-password');
  }
  if (password !== undefined && (user === undefined || user === '')) {
    p.c.error(p.path, `a basic-auth password needs 'basic-auth-user'`);
  }
  const tls = effectiveTls(p, readTlsTrio(p, o), global);
  if (tls === null && url !== undefined && url.toLowerCase().startsWith('https:')) {
    p.c.error(p.at('url'), `an https url needs TLS: set trust-anchor, cert-file and key-file (for this peer or the relationship)`);
  }
  if (p.c.errorCount > before || name === undefined || url === undefined || roleText === undefined || tls === undefined) return undefined;
  return {
    name, url, role: roleText as HaRole, autoFailover,
    basicAuthUser: user === undefined || user === '' ? null : user,
    basicAuthPassword: user === undefined || user === '' ? null : (password ?? ''),
    tls,
  };
}

/**
 * Kea's rules for a peer url: http or https, a host that is an IP literal (no names), and here an
 * explicit port, since both servers must agree on where each listens. Null when fine.
 */
export function checkPeerUrl(url: string): string | null {
  const m = /^(https?):\/\/(\[[^\]]*\]|[^/:?#[\]]*)(?::(\d*))?(\/[^?#]*)?$/i.exec(url);
  if (m === null) return `'${url}' is not an http(s) url of the form http://192.0.2.1:8000/`;
  const host = m[2]!;
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  const family = isIP(bare);
  if (family === 0 || (family === 6) !== host.startsWith('[')) {
    return `the host of '${url}' must be an IP address (Kea accepts no host names; write IPv6 as [2001:db8::1])`;
  }
  if (m[3] === undefined || m[3] === '') return `'${url}' needs a port (e.g. ${m[1]}://${host}:8000/)`;
  const port = Number(m[3]);
  if (!(port >= 1 && port <= 65535)) return `port ${m[3]} in '${url}' is out of range 1..65535`;
  return null;
}

function readSharedSecret(r: ObjectReader, o: HaReadOptions): string | null {
  if (r.has('shared-secret') && r.has('shared-secret-file')) {
    r.c.error(r.at('shared-secret-file'), `'shared-secret' and 'shared-secret-file' are mutually exclusive`, 'key');
    return null;
  }
  const key = r.has('shared-secret-file') ? 'shared-secret-file' : 'shared-secret';
  if (!r.has(key) || r.raw(key) === null) return null;
  const secret = key === 'shared-secret' ? r.str(key) : readSecretFile(r, key, o);
  if (secret === undefined) return null;
  if (secret === '') {
    r.c.error(r.at(key), `the shared secret must not be empty`);
    return null;
  }
  if (secret.length < SHORT_SECRET) {
    r.c.warn(r.at(key), `the shared secret is shorter than ${SHORT_SECRET} characters; use a long random one (e.g. openssl rand -hex 32)`);
  }
  return secret;
}

function readSecretFile(r: ObjectReader, key: string, o: HaReadOptions): string | undefined {
  const name = r.str(key);
  if (name === undefined) return undefined;
  if (name === '') {
    r.c.error(r.at(key), `must not be empty`);
    return undefined;
  }
  const path = resolvePath(name, o);
  if (o.readFile === undefined) {
    r.c.error(r.at(key), `cannot read ${path} here (no file access)`);
    return undefined;
  }
  try {
    return o.readFile(path).replace(/\r?\n$/, '');
  } catch (e) {
    r.c.error(r.at(key), `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

function resolvePath(p: string, o: HaReadOptions): string {
  return isAbsolute(p) ? p : resolve(o.baseDir ?? '.', p);
}

/** Kea's role rules: one primary; hot-standby pairs it with one standby, load-balancing with one secondary. */
function checkRoles(r: ObjectReader, mode: HaMode, peers: readonly HaPeer[]): void {
  const count = (role: HaRole) => peers.filter((p) => p.role === role).length;
  const at = r.at('peers');
  const partner: HaRole = mode === 'hot-standby' ? 'standby' : 'secondary';
  const wrong: HaRole = mode === 'hot-standby' ? 'secondary' : 'standby';
  if (count('primary') !== 1) r.c.error(at, `exactly one peer must have role 'primary' (found ${count('primary')})`);
  if (count(partner) !== 1) r.c.error(at, `${mode} needs exactly one peer with role '${partner}' (found ${count(partner)})`);
  if (count(wrong) > 0) r.c.error(at, `role '${wrong}' is not allowed in ${mode} mode (use '${partner}')`);
}
