import { formatHex, parseHex, parseIp4 } from '../util/index.ts';
import type { Ip4 } from '../util/index.ts';

/** One thing wrong with a request, at a JSON path such as `arguments.subnets[1]`. */
export type ArgProblem = { readonly path: string; readonly message: string };

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly ArgProblem[] };

/**
 * A tiny schema: checks a JSON value and turns it into a typed one. `expected` is how the value
 * is named in messages (`expected an IPv4 address, got 12`).
 */
export type Schema<T> = {
  readonly expected: string;
  check(value: unknown, path: string): Checked<T>;
};

export type Infer<S> = S extends Schema<infer T> ? T : never;

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (path: string, message: string): Checked<never> => ({ ok: false, problems: [{ path, message }] });

/** How a wrong value is shown in a message: short, and never the whole of a big object. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function leaf<T>(expected: string, convert: (v: unknown) => T | undefined): Schema<T> {
  return {
    expected,
    check(value, path) {
      const out = convert(value);
      return out === undefined ? bad(path, `expected ${expected}, got ${describeValue(value)}`) : ok(out);
    },
  };
}

export function str(opts: { min?: number; max?: number } = {}): Schema<string> {
  const min = opts.min ?? 0;
  const max = opts.max ?? 4096;
  const expected = min > 0 ? `a non-empty string${max < 4096 ? ` of at most ${max} characters` : ''}` : 'a string';
  return leaf(expected, (v) => (typeof v === 'string' && v.length >= min && v.length <= max ? v : undefined));
}

export function bool(): Schema<boolean> {
  return leaf('a boolean', (v) => (typeof v === 'boolean' ? v : undefined));
}

/** An integer in [min, max] (default 0..2^32−1). */
export function uint(opts: { min?: number; max?: number } = {}): Schema<number> {
  const min = opts.min ?? 0;
  const max = opts.max ?? 0xffffffff;
  return leaf(`an integer ${min}..${max}`, (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? v : undefined));
}

/** A dotted-quad IPv4 address, as a uint32. */
export function ipv4(): Schema<Ip4> {
  return leaf('an IPv4 address', (v) => (typeof v === 'string' ? parseIp4(v) ?? undefined : undefined));
}

/** Hex bytes (`0a:0b`, `0a0b`, `0A-0B`), normalised to lower-case colon form. */
export function hex(opts: { min?: number; max?: number } = {}): Schema<string> {
  const min = opts.min ?? 1;
  const max = opts.max ?? 255;
  return leaf(`${min}..${max} hex bytes (like 0a:00:27:00:00:01)`, (v) => {
    if (typeof v !== 'string') return undefined;
    const bytes = parseHex(v);
    return bytes !== null && bytes.length >= min && bytes.length <= max ? formatHex(bytes) : undefined;
  });
}

export function oneOf<const V extends string | number>(values: readonly V[]): Schema<V> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return leaf(expected, (v) => (values.includes(v as V) ? (v as V) : undefined));
}

/** Any JSON object, unchecked inside. */
export function anyObject(): Schema<Record<string, unknown>> {
  return leaf('an object', (v) => (isPlainObject(v) ? v : undefined));
}

export function list<T>(item: Schema<T>, opts: { min?: number; max?: number } = {}): Schema<T[]> {
  const min = opts.min ?? 0;
  const max = opts.max ?? 100_000;
  return {
    expected: `a list of ${item.expected}`,
    check(value, path) {
      if (!Array.isArray(value)) return bad(path, `expected a list of ${item.expected}, got ${describeValue(value)}`);
      if (value.length < min || value.length > max) return bad(path, `expected ${min}..${max} items, got ${value.length}`);
      const out: T[] = [];
      const problems: ArgProblem[] = [];
      value.forEach((v, i) => {
        const r = item.check(v, `${path}[${i}]`);
        if (r.ok) out.push(r.value); else problems.push(...r.problems);
      });
      return problems.length > 0 ? { ok: false, problems } : ok(out);
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type Built<R extends Shape, O extends Shape> =
  { -readonly [K in keyof R]: Infer<R[K]> } & { -readonly [K in keyof O]?: Infer<O[K]> };

/**
 * An object with required and optional keys. Keys it does not name are ignored, as Kea ignores
 * them (lease JSON carries `user-context`, `origin` …), unless `strict` is set (then they are
 * problems) or `keepUnknown` (then they are copied). `refine` checks
 * rules between keys once every key is well-typed, and returns the problems it finds.
 */
export function obj<R extends Shape, O extends Shape = Record<never, never>>(
  spec: {
    required?: R; optional?: O; strict?: boolean;
    /** Copies keys the spec does not name into the result unchecked (for values checked later, e.g. by the config parser). */
    keepUnknown?: boolean;
    refine?: (v: Built<R, O>, path: string) => ArgProblem[];
  },
): Schema<Built<R, O>> {
  const required: Shape = spec.required ?? {};
  const optional: Shape = spec.optional ?? {};
  return {
    expected: 'an object',
    check(value, path) {
      if (!isPlainObject(value)) return bad(path, `expected an object, got ${describeValue(value)}`);
      const out: Record<string, unknown> = {};
      const problems: ArgProblem[] = [];
      if (spec.keepUnknown === true) {
        for (const [key, v] of Object.entries(value)) if (!(key in required) && !(key in optional)) out[key] = v;
      }
      for (const [key, schema] of Object.entries(required)) {
        const at = `${path}.${key}`;
        if (value[key] === undefined) { problems.push({ path: at, message: `required (${schema.expected})` }); continue; }
        const r = schema.check(value[key], at);
        if (r.ok) out[key] = r.value; else problems.push(...r.problems);
      }
      for (const [key, schema] of Object.entries(optional)) {
        if (value[key] === undefined) continue;
        const r = schema.check(value[key], `${path}.${key}`);
        if (r.ok) out[key] = r.value; else problems.push(...r.problems);
      }
      if (spec.strict === true) {
        for (const key of Object.keys(value)) {
          if (!(key in required) && !(key in optional)) problems.push({ path: `${path}.${key}`, message: 'unknown argument' });
        }
      }
      if (problems.length > 0) return { ok: false, problems };
      const built = out as Built<R, O>;
      const more = spec.refine?.(built, path) ?? [];
      return more.length > 0 ? { ok: false, problems: more } : ok(built);
    },
  };
}

/** `arguments.ip-address: expected an IPv4 address, got 12; arguments.limit: required (…)` */
export function formatProblems(problems: readonly ArgProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
