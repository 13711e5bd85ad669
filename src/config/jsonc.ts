import type { ConfigIssue } from './config-issue.ts';

/**
 * JSON as Kea reads it: comments (`#`, `//`, `/* *\/`, never inside strings), `<?include "path" ?>`
 * spliced in where it stands, and a trailing comma tolerated with a warning (Kea 2.2 warns too).
 * Every value and key keeps its position so that later checks can point at the right line.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

export type SourcePos = { readonly source: string; readonly line: number; readonly column: number };

export type JsoncResult = {
  /** undefined when the text could not be parsed (then `issues` holds the one syntax error). */
  value: JsonValue | undefined;
  /** Position of each value, by JSON path (`Dhcp4.subnet4[0].pools[1].pool`; the root is ''). */
  valuePos: Map<string, SourcePos>;
  /** Position of each object member's key, by the member's path. */
  keyPos: Map<string, SourcePos>;
  issues: ConfigIssue[];
};

export type JsoncOptions = {
  source?: string;
  /** Resolves an include path seen in `fromSource` and returns its name and text; throws when unreadable. */
  readInclude?: (path: string, fromSource: string) => { source: string; text: string };
};

type TokenKind = '{' | '}' | '[' | ']' | ':' | ',' | 'string' | 'number' | 'literal' | 'eof';
type Token = { kind: TokenKind; value: string | number | boolean | null; pos: SourcePos };

class SyntaxFail {
  readonly message: string;
  readonly pos: SourcePos;
  constructor(message: string, pos: SourcePos) {
    this.message = message;
    this.pos = pos;
  }
}

const MAX_INCLUDE_DEPTH = 10;
const MAX_NESTING = 100;

/** Appends a member or element to a path: `a.b`, `a["odd key"]`, `a[3]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z0-9_-]+$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function tokenize(text: string, source: string, opts: JsoncOptions, stack: string[], out: Token[]): void {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): SourcePos => ({ source, line, column: at - lineStart + 1 });
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      newline(i);
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\ufeff') {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const start = pos(i);
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') newline(i);
        i++;
      }
      if (i >= text.length) throw new SyntaxFail('unterminated /* comment', start);
      i += 2;
    } else if (c === '<' && text.startsWith('<?include', i)) {
      const start = pos(i);
      const m = /^<\?include\s+"([^"\n]*)"\s*\?>/.exec(text.slice(i, i + 4200));
      if (m === null) throw new SyntaxFail('malformed include: expected <?include "path" ?>', start);
      includeInto(m[1]!, start, opts, stack, out);
      i += m[0].length;
    } else if ('{}[]:,'.includes(c)) {
      out.push({ kind: c as TokenKind, value: null, pos: pos(i) });
      i++;
    } else if (c === '"') {
      const start = pos(i);
      const end = scanString(text, i, start);
      out.push({ kind: 'string', value: JSON.parse(text.slice(i, end)) as string, pos: start });
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
      if (m === null) throw new SyntaxFail(`invalid number`, pos(i));
      out.push({ kind: 'number', value: Number(m[0]), pos: pos(i) });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 64));
      const word = m?.[0];
      if (word === 'true' || word === 'false' || word === 'null') {
        out.push({ kind: 'literal', value: word === 'null' ? null : word === 'true', pos: pos(i) });
        i += word.length;
      } else {
        const shown = word ?? c;
        throw new SyntaxFail(`unexpected '${shown}'${word !== undefined ? ' (strings need double quotes)' : ''}`, pos(i));
      }
    }
  }
}

function scanString(text: string, start: number, startPos: SourcePos): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new SyntaxFail('bad \\u escape in string', startPos);
        i += 6;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        i += 2;
      } else {
        throw new SyntaxFail(`bad escape '\\${e ?? ''}' in string`, startPos);
      }
    } else if (c < 0x20) {
      throw new SyntaxFail('unterminated string (or raw control character in it)', startPos);
    } else {
      i++;
    }
  }
  throw new SyntaxFail('unterminated string', startPos);
}

function includeInto(path: string, at: SourcePos, opts: JsoncOptions, stack: string[], out: Token[]): void {
  if (opts.readInclude === undefined) throw new SyntaxFail(`cannot include "${path}": no file reader given`, at);
  if (stack.length > MAX_INCLUDE_DEPTH) throw new SyntaxFail(`includes nested deeper than ${MAX_INCLUDE_DEPTH}`, at);
  let included: { source: string; text: string };
  try {
    included = opts.readInclude(path, at.source);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new SyntaxFail(`cannot include "${path}": ${why}`, at);
  }
  if (stack.includes(included.source)) throw new SyntaxFail(`include loop: "${included.source}" includes itself`, at);
  tokenize(included.text, included.source, opts, [...stack, included.source], out);
}

class Parser {
  readonly tokens: Token[];
  i = 0;
  readonly valuePos = new Map<string, SourcePos>();
  readonly keyPos = new Map<string, SourcePos>();
  readonly issues: ConfigIssue[] = [];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  peek(): Token {
    return this.tokens[this.i]!;
  }

  next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  fail(t: Token, expected: string): never {
    const seen = t.kind === 'eof' ? 'end of input' : t.kind === 'string' ? `string ${JSON.stringify(t.value)}`
      : t.kind === 'number' || t.kind === 'literal' ? String(t.value) : `'${t.kind}'`;
    throw new SyntaxFail(`syntax error: expected ${expected}, found ${seen}`, t.pos);
  }

  warnComma(t: Token): void {
    this.issues.push({
      path: '', severity: 'warning', message: 'extraneous comma (Kea warns too; a piece of configuration may be missing)',
      source: t.pos.source, line: t.pos.line, column: t.pos.column,
    });
  }

  value(path: string, depth: number): JsonValue {
    if (depth > MAX_NESTING) throw new SyntaxFail(`nesting deeper than ${MAX_NESTING}`, this.peek().pos);
    const t = this.next();
    this.valuePos.set(path, t.pos);
    switch (t.kind) {
      case 'string':
      case 'number':
      case 'literal':
        return t.value;
      case '{':
        return this.object(path, depth);
      case '[':
        return this.array(path, depth);
      default:
        return this.fail(t, 'a value');
    }
  }

  object(path: string, depth: number): JsonObject {
    const obj = Object.create(null) as JsonObject;
    if (this.peek().kind === '}') {
      this.next();
      return obj;
    }
    for (;;) {
      const k = this.next();
      if (k.kind !== 'string') this.fail(k, 'a "key" in double quotes');
      const key = k.value as string;
      const p = childPath(path, key);
      const colon = this.next();
      if (colon.kind !== ':') this.fail(colon, "':'");
      if (Object.hasOwn(obj, key)) {
        const prev = this.keyPos.get(p);
        this.issues.push({
          path: p, severity: 'error',
          message: `duplicate key '${key}'${prev ? ` (first at line ${prev.line})` : ''}`,
          source: k.pos.source, line: k.pos.line, column: k.pos.column,
        });
        this.value(`${p}#dup`, depth + 1);
      } else {
        this.keyPos.set(p, k.pos);
        obj[key] = this.value(p, depth + 1);
      }
      const sep = this.next();
      if (sep.kind === '}') return obj;
      if (sep.kind !== ',') this.fail(sep, "',' or '}'");
      if (this.peek().kind === '}') {
        this.warnComma(sep);
        this.next();
        return obj;
      }
    }
  }

  array(path: string, depth: number): JsonValue[] {
    const arr: JsonValue[] = [];
    if (this.peek().kind === ']') {
      this.next();
      return arr;
    }
    for (;;) {
      arr.push(this.value(childPath(path, arr.length), depth + 1));
      const sep = this.next();
      if (sep.kind === ']') return arr;
      if (sep.kind !== ',') this.fail(sep, "',' or ']'");
      if (this.peek().kind === ']') {
        this.warnComma(sep);
        this.next();
        return arr;
      }
    }
  }
}

/** Parses Kea-flavoured JSON. Never throws: a syntax error becomes the one error in `issues`. */
export function parseJsonc(text: string, opts: JsoncOptions = {}): JsoncResult {
  const source = opts.source ?? '<config>';
  const tokens: Token[] = [];
  let parser: Parser | undefined;
  try {
    tokenize(text, source, opts, [source], tokens);
    const lastPos = tokens.at(-1)?.pos ?? { source, line: 1, column: 1 };
    tokens.push({ kind: 'eof', value: null, pos: lastPos });
    parser = new Parser(tokens);
    const value = parser.value('', 0);
    const rest = parser.next();
    if (rest.kind !== 'eof') parser.fail(rest, 'end of input');
    return { value, valuePos: parser.valuePos, keyPos: parser.keyPos, issues: parser.issues };
  } catch (e) {
    if (!(e instanceof SyntaxFail)) throw e;
    const issue: ConfigIssue = {
      path: '', severity: 'error', message: e.message,
      source: e.pos.source, line: e.pos.line, column: e.pos.column,
    };
    return { value: undefined, valuePos: new Map(), keyPos: new Map(), issues: [...(parser?.issues ?? []), issue] };
  }
}
