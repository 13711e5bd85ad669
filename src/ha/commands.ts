import { leaseFromKeaJson, leaseToHaJson, leaseToKeaJson } from '../model/index.ts';
import type { Lease4 } from '../model/index.ts';
import { parseIp4 } from '../util/index.ts';
import { HA_STATES } from './states.ts';
import type { HaState } from './states.ts';

/**
 * The partner protocol: Kea's control-command shapes (command_creator.cc, ha_service.cc), built by
 * pure functions and read back by the same definitions. Each `PartnerCommand` pairs `build` (typed →
 * JSON) with `parse` (JSON → typed, or a problem with its JSON path), so the control API validates an
 * incoming HA command with exactly what the partner client used to make it.
 */
export type CommandJson = {
  readonly command: string;
  readonly service: readonly ['dhcp4'];
  readonly arguments: Readonly<Record<string, unknown>>;
};

export type Problem = { readonly path: string; readonly message: string };
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

export type PartnerCommand<A> = {
  readonly name: string;
  build(args: A): CommandJson;
  /** Reads a whole command (`{command, service?, arguments}`) or, with `argsOnly`, its arguments. */
  parse(json: unknown, opts?: { readonly argsOnly?: boolean }): Parsed<A>;
};

/** The origin tag on replicated changes: a received update is never sent on (no echo loops). */
export const HA_ORIGIN = 'ha-partner';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (path: string, message: string): Parsed<never> => ({ ok: false, problem: { path, message } });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUint = (v: unknown, max = 0xffffffff): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'an object';
  const t = JSON.stringify(v);
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
}

/** A typed reader over one JSON object; the first problem wins. */
type Reader = {
  str(key: string, opts?: { optional?: boolean; min?: number }): string | undefined;
  uint(key: string, opts?: { optional?: boolean; min?: number; max?: number }): number | undefined;
  bool(key: string, opts?: { optional?: boolean }): boolean | undefined;
  problem(): Problem | null;
  fail(path: string, message: string): void;
};

function reader(o: Record<string, unknown>, base: string): Reader {
  let first: Problem | null = null;
  const fail = (key: string, message: string): void => { first ??= { path: `${base}.${key}`, message }; };
  const missing = (key: string, optional: boolean | undefined): boolean => {
    if (o[key] !== undefined) return false;
    if (optional !== true) fail(key, 'required');
    return true;
  };
  return {
    str(key, opts = {}) {
      if (missing(key, opts.optional)) return undefined;
      const v = o[key];
      if (typeof v !== 'string' || v.length < (opts.min ?? 0)) { fail(key, `expected ${opts.min !== undefined ? 'a non-empty string' : 'a string'}, got ${show(v)}`); return undefined; }
      return v;
    },
    uint(key, opts = {}) {
      if (missing(key, opts.optional)) return undefined;
      const v = o[key];
      const min = opts.min ?? 0;
      const max = opts.max ?? 0xffffffff;
      if (!isUint(v, max) || v < min) { fail(key, `expected an integer ${min}..${max}, got ${show(v)}`); return undefined; }
      return v;
    },
    bool(key, opts = {}) {
      if (missing(key, opts.optional)) return undefined;
      const v = o[key];
      if (typeof v !== 'boolean') { fail(key, `expected a boolean, got ${show(v)}`); return undefined; }
      return v;
    },
    problem: () => first,
    fail,
  };
}

/** Defines a command from its argument codec; the envelope (command name, service) is checked here. */
function defineCommand<A>(
  name: string,
  toArgs: (a: A) => Record<string, unknown>,
  fromArgs: (r: Reader, o: Record<string, unknown>) => A,
): PartnerCommand<A> {
  return {
    name,
    build: (a) => ({ command: name, service: ['dhcp4'], arguments: toArgs(a) }),
    parse(json, opts = {}) {
      let args: unknown = json;
      let base = 'arguments';
      if (opts.argsOnly !== true) {
        if (!isObject(json)) return bad('', `expected a command object, got ${show(json)}`);
        if (json['command'] !== name) return bad('command', `expected "${name}", got ${show(json['command'])}`);
        const service = json['service'];
        if (service !== undefined && !(Array.isArray(service) && service.includes('dhcp4'))) return bad('service', `expected ["dhcp4"], got ${show(service)}`);
        args = json['arguments'] ?? {};
      }
      if (!isObject(args)) return bad(base, `expected an object, got ${show(args)}`);
      const r = reader(args, base);
      const value = fromArgs(r, args);
      const p = r.problem();
      return p === null ? ok(value) : { ok: false, problem: p };
    },
  };
}

// ---- ha-heartbeat --------------------------------------------------------------------------

export type ServerNameArgs = { readonly serverName: string };

const serverNameCommand = (name: string) => defineCommand<ServerNameArgs>(
  name,
  (a) => ({ 'server-name': a.serverName }),
  (r) => ({ serverName: r.str('server-name', { min: 1 }) ?? '' }),
);

export const haHeartbeat = serverNameCommand('ha-heartbeat');
export const haReset = serverNameCommand('ha-reset');

/** The heartbeat answer's arguments (Kea's, plus tandem's config-hash). */
export type HeartbeatAnswer = {
  readonly state: HaState;
  /** RFC 1123 date (http-date.ts); used for the clock-skew check. */
  readonly dateTime: string;
  readonly scopes: readonly string[];
  readonly unsentUpdateCount: number;
  /** tandem: SHA-256 (hex) of the shared relationship config; null from a server that sends none (Kea). */
  readonly configHash: string | null;
};

const STATE_SET: ReadonlySet<string> = new Set(HA_STATES);

function readState(r: Reader, o: Record<string, unknown>, key: string, optional = false): HaState | undefined {
  const s = r.str(key, { optional });
  if (s === undefined) return undefined;
  if (!STATE_SET.has(s)) { r.fail(key, `expected an HA state (${HA_STATES.join(', ')}), got ${show(o[key])}`); return undefined; }
  return s as HaState;
}

function readStringList(r: Reader, o: Record<string, unknown>, key: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) { r.fail(key, `expected a list of strings, got ${show(v)}`); return []; }
  return [...v] as string[];
}

export const heartbeatAnswer = {
  build: (a: HeartbeatAnswer): Record<string, unknown> => {
    const out: Record<string, unknown> = { state: a.state, 'date-time': a.dateTime, scopes: [...a.scopes], 'unsent-update-count': a.unsentUpdateCount };
    if (a.configHash !== null) out['config-hash'] = a.configHash;
    return out;
  },
  parse(args: unknown): Parsed<HeartbeatAnswer> {
    if (!isObject(args)) return bad('arguments', `expected an object, got ${show(args)}`);
    const r = reader(args, 'arguments');
    const state = readState(r, args, 'state');
    const dateTime = r.str('date-time', { min: 1 });
    const scopes = readStringList(r, args, 'scopes');
    const unsent = r.uint('unsent-update-count', { max: Number.MAX_SAFE_INTEGER });
    const hash = r.str('config-hash', { optional: true });
    if (hash !== undefined && !/^[0-9a-f]{64}$/.test(hash)) r.fail('config-hash', 'expected 64 lower-case hex digits (SHA-256)');
    const p = r.problem();
    if (p !== null) return { ok: false, problem: p };
    return ok({ state: state!, dateTime: dateTime!, scopes, unsentUpdateCount: unsent!, configHash: hash ?? null });
  },
};

// ---- lease4-update, lease4-del, lease4-bulk-apply -------------------------------------------

export type LeaseArgs = { readonly lease: Lease4 };

function readLease(r: Reader, o: unknown, path: string): Lease4 | undefined {
  const got = leaseFromKeaJson(o);
  if ('error' in got) { r.fail(path, got.error); return undefined; }
  return got.lease;
}

export const lease4Update = defineCommand<LeaseArgs>(
  'lease4-update',
  (a) => ({ ...leaseToHaJson(a.lease), 'force-create': true, origin: HA_ORIGIN }),
  (r, o) => ({ lease: readLease(r, o, 'lease') as Lease4 }),
);

export const lease4Del = defineCommand<LeaseArgs>(
  'lease4-del',
  (a) => ({ ...leaseToHaJson(a.lease), origin: HA_ORIGIN }),
  (r, o) => ({ lease: readLease(r, o, 'lease') as Lease4 }),
);

/**
 * tandem's batch, shaped like Kea's lease6-bulk-apply (Kea has no v4 batch; it sends one command
 * per lease): `{"leases":[…],"deleted-leases":[…],"origin":"ha-partner"}`. The answer names the
 * leases that failed in `failed-leases`.
 */
export type BulkApplyArgs = { readonly leases: readonly Lease4[]; readonly deletedLeases: readonly Lease4[] };

export const MAX_BULK_LEASES = 10_000;

function readLeaseList(r: Reader, o: Record<string, unknown>, key: string): Lease4[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v)) { r.fail(key, `expected a list of leases, got ${show(v)}`); return []; }
  if (v.length > MAX_BULK_LEASES) { r.fail(key, `expected at most ${MAX_BULK_LEASES} leases, got ${v.length}`); return []; }
  const out: Lease4[] = [];
  v.forEach((item, i) => { const l = readLease(r, item, `${key}[${i}]`); if (l !== undefined) out.push(l); });
  return out;
}

export const lease4BulkApply = defineCommand<BulkApplyArgs>(
  'lease4-bulk-apply',
  (a) => ({ leases: a.leases.map(leaseToHaJson), 'deleted-leases': a.deletedLeases.map(leaseToHaJson), origin: HA_ORIGIN }),
  (r, o) => ({ leases: readLeaseList(r, o, 'leases'), deletedLeases: readLeaseList(r, o, 'deleted-leases') }),
);

export type FailedLease = { readonly ipAddress: string; readonly result: number; readonly errorMessage: string };

export const bulkApplyAnswer = {
  build: (failed: readonly FailedLease[]): Record<string, unknown> =>
    (failed.length === 0 ? {} : { 'failed-leases': failed.map((f) => ({ 'ip-address': f.ipAddress, result: f.result, 'error-message': f.errorMessage })) }),
  parse(args: unknown): Parsed<readonly FailedLease[]> {
    if (args === undefined) return ok([]);
    if (!isObject(args)) return bad('arguments', `expected an object, got ${show(args)}`);
    const list = args['failed-leases'] ?? [];
    if (!Array.isArray(list)) return bad('arguments.failed-leases', `expected a list, got ${show(list)}`);
    const out: FailedLease[] = [];
    for (const [i, f] of list.entries()) {
      if (!isObject(f)) return bad(`arguments.failed-leases[${i}]`, `expected an object, got ${show(f)}`);
      const r = reader(f, `arguments.failed-leases[${i}]`);
      const ip = r.str('ip-address');
      const result = r.uint('result', { max: 5 });
      const msg = r.str('error-message', { optional: true });
      const p = r.problem();
      if (p !== null) return { ok: false, problem: p };
      out.push({ ipAddress: ip!, result: result!, errorMessage: msg ?? '' });
    }
    return ok(out);
  },
};

// ---- lease4-get-page ----------------------------------------------------------------------

/** `from`: 'start' or the last address of the previous page. */
export type GetPageArgs = { readonly from: 'start' | string; readonly limit: number };

export const lease4GetPage = defineCommand<GetPageArgs>(
  'lease4-get-page',
  (a) => ({ from: a.from, limit: a.limit }),
  (r, o) => {
    const from = r.str('from', { min: 1 });
    if (from !== undefined && from !== 'start' && parseIp4(from) === null) r.fail('from', `expected "start" or an IPv4 address, got ${show(o['from'])}`);
    const limit = r.uint('limit', { min: 1, max: 100_000 });
    return { from: from ?? 'start', limit: limit ?? 1 };
  },
);

export type LeasePage = { readonly leases: readonly Lease4[]; readonly count: number };

export const leasePageAnswer = {
  build: (leases: readonly Lease4[]): Record<string, unknown> => ({ leases: leases.map(leaseToKeaJson), count: leases.length }),
  parse(args: unknown): Parsed<LeasePage> {
    // Kea answers result 3 (empty) with no arguments, or with an empty list, at the end.
    if (args === undefined) return ok({ leases: [], count: 0 });
    if (!isObject(args)) return bad('arguments', `expected an object, got ${show(args)}`);
    const r = reader(args, 'arguments');
    const leases = readLeaseList(r, args, 'leases');
    const count = r.uint('count', { optional: true, max: 100_000 });
    if (count !== undefined && count !== leases.length) r.fail('count', `says ${count} but ${leases.length} leases came`);
    const p = r.problem();
    return p === null ? ok({ leases, count: leases.length }) : { ok: false, problem: p };
  },
};

// ---- dhcp-disable / dhcp-enable / ha-sync-complete-notify / ha-maintenance-notify --------------

/** Kea's network-state origin for a command from the HA partner: 2000 + the relationship id. */
export const HA_REMOTE_ORIGIN_BASE = 2000;

export type DisableArgs = { readonly maxPeriodSec: number; readonly originId: number };
export type EnableArgs = { readonly originId: number };

export const dhcpDisable = defineCommand<DisableArgs>(
  'dhcp-disable',
  (a) => ({ 'max-period': a.maxPeriodSec, origin: HA_ORIGIN, 'origin-id': a.originId }),
  (r) => {
    const maxPeriodSec = r.uint('max-period', { min: 1 });
    const origin = r.str('origin');
    if (origin !== undefined && origin !== HA_ORIGIN) r.fail('origin', `expected "${HA_ORIGIN}" from a partner, got ${JSON.stringify(origin)}`);
    return { maxPeriodSec: maxPeriodSec ?? 1, originId: r.uint('origin-id', { optional: true }) ?? HA_REMOTE_ORIGIN_BASE + 1 };
  },
);

export const dhcpEnable = defineCommand<EnableArgs>(
  'dhcp-enable',
  (a) => ({ origin: HA_ORIGIN, 'origin-id': a.originId }),
  (r) => {
    const origin = r.str('origin');
    if (origin !== undefined && origin !== HA_ORIGIN) r.fail('origin', `expected "${HA_ORIGIN}" from a partner, got ${JSON.stringify(origin)}`);
    return { originId: r.uint('origin-id', { optional: true }) ?? HA_REMOTE_ORIGIN_BASE + 1 };
  },
);

export type SyncCompleteArgs = { readonly serverName: string; readonly originId: number };

export const haSyncCompleteNotify = defineCommand<SyncCompleteArgs>(
  'ha-sync-complete-notify',
  (a) => ({ 'server-name': a.serverName, 'origin-id': a.originId }),
  (r) => ({ serverName: r.str('server-name', { min: 1 }) ?? '', originId: r.uint('origin-id', { optional: true }) ?? HA_REMOTE_ORIGIN_BASE + 1 }),
);

export type MaintenanceNotifyArgs = { readonly serverName: string; readonly cancel: boolean; readonly state: HaState | null };

export const haMaintenanceNotify = defineCommand<MaintenanceNotifyArgs>(
  'ha-maintenance-notify',
  (a) => ({ 'server-name': a.serverName, cancel: a.cancel, ...(a.state === null ? {} : { state: a.state }) }),
  (r, o) => ({
    serverName: r.str('server-name', { min: 1 }) ?? '',
    cancel: r.bool('cancel') ?? false,
    state: readState(r, o, 'state', true) ?? null,
  }),
);

// ---- ha-config-push (tandem) -------------------------------------------------------------

/**
 * The primary's shared config (config-push.ts), pushed to its partner: `{"server-name": "server1",
 * "config": {"Dhcp4": {…}}, "config-hash": "<sha-256 hex of the canonical shared part>"}`.
 */
export type ConfigPushArgs = { readonly serverName: string; readonly config: { readonly Dhcp4: Readonly<Record<string, unknown>> }; readonly configHash: string };

export const haConfigPush = defineCommand<ConfigPushArgs>(
  'ha-config-push',
  (a) => ({ 'server-name': a.serverName, config: a.config, 'config-hash': a.configHash }),
  (r, o) => {
    const serverName = r.str('server-name', { min: 1 }) ?? '';
    const config = o['config'];
    const dhcp4 = isObject(config) ? config['Dhcp4'] : undefined;
    if (!isObject(dhcp4)) r.fail('config', `expected {"Dhcp4": {…}}, got ${show(config)}`);
    const configHash = r.str('config-hash') ?? '';
    if (!/^[0-9a-f]{64}$/.test(configHash)) r.fail('config-hash', 'expected 64 lower-case hex digits (SHA-256)');
    return { serverName, config: { Dhcp4: isObject(dhcp4) ? dhcp4 : {} }, configHash };
  },
);

// ---- responses ----------------------------------------------------------------------------

/** Kea's result codes (command_interpreter.h). */
export const RESULT = { SUCCESS: 0, ERROR: 1, UNSUPPORTED: 2, EMPTY: 3, CONFLICT: 4, FATAL: 5 } as const;
export type ResultCode = (typeof RESULT)[keyof typeof RESULT];

export type KeaAnswer = { readonly result: ResultCode; readonly text: string; readonly arguments: unknown };

/**
 * Reads a control answer: Kea's HTTP list `[{result, text, arguments}]` (exactly one element) or a
 * bare map. The body is JSON text or an already parsed value.
 */
export function parseAnswer(body: unknown): Parsed<KeaAnswer> {
  let v = body;
  if (typeof v === 'string') {
    try { v = JSON.parse(v); } catch { return bad('', 'answer is not JSON'); }
  }
  if (Array.isArray(v)) {
    if (v.length !== 1) return bad('', `expected a list of one answer, got ${v.length}`);
    v = v[0];
  }
  if (!isObject(v)) return bad('', `expected an answer object, got ${show(v)}`);
  const result = v['result'];
  if (!isUint(result, 5)) return bad('result', `expected a result code 0..5, got ${show(result)}`);
  const text = v['text'] ?? '';
  if (typeof text !== 'string') return bad('text', `expected a string, got ${show(text)}`);
  return ok({ result: result as ResultCode, text, arguments: v['arguments'] });
}

/** Builds an answer as the HA listener sends it (a list of one, as Kea's HTTP control sockets do). */
export function buildAnswer(result: ResultCode, text: string, args?: Readonly<Record<string, unknown>>): [Record<string, unknown>] {
  return [args === undefined ? { result, text } : { result, text, arguments: args }];
}

/** Every partner command, by name: the control API looks incoming HA commands up here. */
export const PARTNER_COMMANDS = {
  'ha-heartbeat': haHeartbeat,
  'ha-reset': haReset,
  'lease4-update': lease4Update,
  'lease4-del': lease4Del,
  'lease4-bulk-apply': lease4BulkApply,
  'lease4-get-page': lease4GetPage,
  'dhcp-disable': dhcpDisable,
  'dhcp-enable': dhcpEnable,
  'ha-sync-complete-notify': haSyncCompleteNotify,
  'ha-maintenance-notify': haMaintenanceNotify,
  'ha-config-push': haConfigPush,
} as const;

export type PartnerCommandName = keyof typeof PARTNER_COMMANDS;
