import { parseHex, parseIp4 } from '../../util/index.ts';
import { CodecError } from '../bytes/index.ts';
import { decodeClasslessRoutes, encodeClasslessRoutes } from './classless-routes.ts';
import type { StaticRoute4 } from './classless-routes.ts';
import { decodeDomainSearch } from './domain-search.ts';
import { FqdnFlags, decodeClientFqdn } from './fqdn.ts';
import { Opt4 } from './constants4.ts';
import type { OptionDef4, OptionType4 } from './option-defs4.ts';
import { encodeField, formatField, hexText, valueError } from './option-values4.ts';
import { formatIp4 } from '../../util/index.ts';

// Kea's option-data `data` text ⇄ option payload.

type Token = { text: string; start: number };

/** Splits at commas not escaped as `\,`; tokens are trimmed and unescaped. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || (text[i] === ',' && text[i - 1] !== '\\')) {
      const raw = text.slice(start, i);
      out.push({ text: raw.trim().replaceAll('\\,', ','), start });
      start = i + 1;
    }
  }
  return out;
}

function hexPayload(def: OptionDef4 | undefined, data: string): Uint8Array {
  const trimmed = data.trim();
  if (trimmed === '') return new Uint8Array(0);
  const bytes = parseHex(trimmed);
  if (bytes === null) throw valueError(`'${data}' is not hex${label(def)}`);
  return bytes;
}

function label(def: OptionDef4 | undefined): string {
  return def === undefined ? '' : ` (option ${def.code} '${def.name}')`;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** "10.0.0.0/8 - 10.0.0.1, 0.0.0.0/0 - 10.0.0.254" (Kea ≥ 2.5's text form of option 121). */
function parseRoutes(text: string): StaticRoute4[] {
  return tokenize(text).map(({ text: t }) => {
    const m = /^([0-9.]+)\s*\/\s*([0-9]{1,2})\s*-\s*([0-9.]+)$/.exec(t);
    const network = m ? parseIp4(m[1]!) : null;
    const router = m ? parseIp4(m[3]!) : null;
    const len = m ? Number(m[2]) : NaN;
    if (network === null || router === null || !(len >= 0 && len <= 32)) {
      throw valueError(`'${t}' is not a route (network/length - router)`);
    }
    return { network, prefixLength: len, router };
  });
}

function withContext(def: OptionDef4 | undefined, f: () => Uint8Array): Uint8Array {
  try {
    return f();
  } catch (e) {
    if (e instanceof CodecError && def !== undefined && !e.message.includes('(option ')) throw valueError(e.message + label(def));
    throw e;
  }
}

/**
 * Kea's option-data `data` → payload. csvFormat false (or no definition): hex. csvFormat true:
 * comma-separated values typed by the definition. Throws CodecError ERR_CODEC_OPTION_VALUE.
 */
export function encodeOptionData4(def: OptionDef4 | undefined, data: string, csvFormat: boolean): Uint8Array {
  if (!csvFormat || def === undefined) return hexPayload(def, data);
  return withContext(def, () => encodeCsv(def, data));
}

function encodeCsv(def: OptionDef4, data: string): Uint8Array {
  if (def.code === Opt4.CLASSLESS_STATIC_ROUTE && def.type === 'internal') {
    return /\//.test(data) ? encodeClasslessRoutes(parseRoutes(data)) : hexPayload(def, data);
  }
  switch (def.type) {
    case 'empty':
    case 'internal':
      if (data.trim() !== '') throw valueError(`option carries no value in text form, got '${data}'`);
      return new Uint8Array(0);
    case 'binary':
      return hexPayload(def, data);
    case 'string':
      if (!def.array) return encodeField('string', data);
      break;
    case 'record':
      return encodeRecord(def, data);
    default:
      break;
  }
  const tokens = tokenize(data);
  if (!def.array && tokens.length > 1) throw valueError(`'${data}' has ${tokens.length} values, the option takes one`);
  if (tokens.length === 1 && tokens[0]!.text === '') throw valueError('no value given');
  return concat(tokens.map((t) => encodeField(def.type, t.text)));
}

function encodeRecord(def: OptionDef4, data: string): Uint8Array {
  const fields = def.recordTypes ?? [];
  const tokens = tokenize(data);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < fields.length; i++) {
    const type = fields[i]!;
    const token = tokens[i];
    const last = i === fields.length - 1;
    if (token === undefined) throw valueError(`'${data}' has ${tokens.length} values, the record needs ${fields.length}`);
    if (last && (type === 'string' || type === 'binary') && !def.array) {
      const rest = data.slice(token.start).trimStart().replaceAll('\\,', ',');
      parts.push(type === 'string' ? encodeField('string', rest) : hexPayload(def, rest));
      return concat(parts);
    }
    parts.push(fieldBytes(def, type, token.text));
  }
  if (tokens.length > fields.length) {
    if (!def.array) throw valueError(`'${data}' has ${tokens.length} values, the record takes ${fields.length}`);
    const type = fields[fields.length - 1]!;
    for (const t of tokens.slice(fields.length)) parts.push(fieldBytes(def, type, t.text));
  }
  return concat(parts);
}

function fieldBytes(def: OptionDef4, type: OptionType4, text: string): Uint8Array {
  return type === 'binary' ? hexPayload(def, text) : encodeField(type, text);
}

/**
 * Payload → text for logs, lease listings and tests (the inverse of encodeOptionData4 with csv on):
 * addresses dotted, numbers decimal, strings as text, arrays joined with ', '. A payload that does
 * not fit its definition, or has none, is shown as colon-separated hex.
 */
export function formatOptionData4(def: OptionDef4 | undefined, data: Uint8Array): string {
  if (def === undefined) return hexText(data);
  try {
    return formatTyped(def, data);
  } catch (e) {
    if (e instanceof CodecError) return hexText(data);
    throw e;
  }
}

function formatTyped(def: OptionDef4, data: Uint8Array): string {
  if (def.code === Opt4.CLASSLESS_STATIC_ROUTE && def.type === 'internal') {
    return decodeClasslessRoutes(data).map((r) => `${formatIp4(r.network)}/${r.prefixLength} - ${formatIp4(r.router)}`).join(', ');
  }
  if (def.code === Opt4.CLIENT_FQDN && def.type === 'record' && data.length > 0 && (data[0]! & FqdnFlags.E) !== 0) {
    const v = decodeClientFqdn(data);
    return `${v.flags}, ${v.rcode1}, ${v.rcode2}, ${v.name}${v.partial || v.name === '' ? '' : '.'}`;
  }
  if (def.type === 'fqdn' && def.array) return decodeDomainSearch(data).join(', ');
  if (def.type === 'empty' || def.type === 'internal' || def.type === 'binary') {
    if (def.type !== 'binary' && data.length > 0) throw valueError('unexpected payload');
    return hexText(data);
  }
  const fields: OptionType4[] = def.type === 'record' ? (def.recordTypes ?? []) : [def.type];
  const out: string[] = [];
  let pos = 0;
  for (const type of fields) {
    const { text, next } = formatField(type, data, pos);
    out.push(type === 'string' ? text.replaceAll(',', '\\,') : text);
    pos = next;
  }
  const repeat = fields[fields.length - 1]!;
  while (def.array && pos < data.length) {
    const { text, next } = formatField(repeat, data, pos);
    out.push(text);
    pos = next;
  }
  if (pos !== data.length) throw valueError('trailing bytes');
  if (def.type === 'string') return out[0]!;
  return out.join(', ');
}
