import type { ConfigIssue } from './config-issue.ts';
import { childPath } from './jsonc.ts';
import type { JsonObject, JsonValue, SourcePos } from './jsonc.ts';

/**
 * Collects issues with their positions and reads typed values out of parsed JSON. Every reader
 * reports a wrong type as an error at the value's path and returns undefined, so a caller can keep
 * going and find the next problem.
 */
export class IssueCollector {
  readonly issues: ConfigIssue[] = [];
  readonly #valuePos: ReadonlyMap<string, SourcePos>;
  readonly #keyPos: ReadonlyMap<string, SourcePos>;
  readonly #source: string | undefined;

  constructor(valuePos: ReadonlyMap<string, SourcePos>, keyPos: ReadonlyMap<string, SourcePos>, source?: string) {
    this.#valuePos = valuePos;
    this.#keyPos = keyPos;
    this.#source = source;
  }

  get errorCount(): number {
    return this.issues.reduce((n, i) => n + (i.severity === 'error' ? 1 : 0), 0);
  }

  add(severity: ConfigIssue['severity'], path: string, message: string, at: 'key' | 'value' = 'value'): void {
    const pos = (at === 'key' ? this.#keyPos.get(path) : undefined) ?? this.#valuePos.get(path) ?? this.#keyPos.get(path);
    const issue: ConfigIssue = { path, message, severity };
    if (pos !== undefined) {
      issue.source = pos.source;
      issue.line = pos.line;
      issue.column = pos.column;
    } else if (this.#source !== undefined) {
      issue.source = this.#source;
    }
    this.issues.push(issue);
  }

  error(path: string, message: string, at: 'key' | 'value' = 'value'): void {
    this.add('error', path, message, at);
  }

  warn(path: string, message: string, at: 'key' | 'value' = 'value'): void {
    this.add('warning', path, message, at);
  }
}

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

/** Reads members of one JSON object, reporting problems at `path.key`. */
export class ObjectReader {
  readonly obj: JsonObject;
  readonly path: string;
  readonly c: IssueCollector;

  constructor(obj: JsonObject, path: string, c: IssueCollector) {
    this.obj = obj;
    this.path = path;
    this.c = c;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.obj, key);
  }

  at(key: string): string {
    return childPath(this.path, key);
  }

  raw(key: string): JsonValue | undefined {
    return this.has(key) ? this.obj[key] : undefined;
  }

  int(key: string, min = 0, max = 0xffffffff): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.c.error(this.at(key), `must be an integer, not ${describe(v)}`);
      return undefined;
    }
    if (v < min || v > max) {
      this.c.error(this.at(key), `${v} is out of range ${min}..${max}`);
      return undefined;
    }
    return v;
  }

  real(key: string, min: number, max: number): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number') {
      this.c.error(this.at(key), `must be a number, not ${describe(v)}`);
      return undefined;
    }
    if (v < min || v > max) {
      this.c.error(this.at(key), `${v} is out of range ${min}..${max}`);
      return undefined;
    }
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.c.error(this.at(key), `must be true or false, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  str(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.c.error(this.at(key), `must be a string, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  list(key: string): JsonValue[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.c.error(this.at(key), `must be a list, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  map(key: string): ObjectReader | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!isObject(v)) {
      this.c.error(this.at(key), `must be a map, not ${describe(v)}`);
      return undefined;
    }
    return new ObjectReader(v, this.at(key), this.c);
  }

  /** Checks `user-context` (a map) and `comment` (a string), which Kea allows almost everywhere. */
  annotations(): void {
    this.map('user-context');
    this.str('comment');
  }
}

/** A reader for a list element that must be a map, or undefined (with an error) when it is not. */
export function elementReader(v: JsonValue, path: string, c: IssueCollector, what: string): ObjectReader | undefined {
  if (!isObject(v)) {
    c.error(path, `${what} must be a map, not ${describe(v)}`);
    return undefined;
  }
  return new ObjectReader(v, path, c);
}
