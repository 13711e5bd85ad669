import { formatIp4, parseIp4, readIp4 } from '../../util/index.ts';
import { ByteReader, ByteWriter, CodecError, CodecErrorCode } from '../bytes/index.ts';
import { encodeName, readName } from '../dns/index.ts';
import type { OptionType4 } from './option-defs4.ts';

// One field of an option: text ⇄ bytes by Kea data type. Used by option-data4.ts.

const INT_RANGES: Partial<Record<OptionType4, [number, number, number]>> = {
  uint8: [0, 0xff, 1], uint16: [0, 0xffff, 2], uint32: [0, 0xffffffff, 4],
  int8: [-0x80, 0x7f, 1], int16: [-0x8000, 0x7fff, 2], int32: [-0x80000000, 0x7fffffff, 4],
};

export function valueError(message: string): CodecError {
  return new CodecError(CodecErrorCode.OPTION_VALUE, message);
}

function parseInteger(text: string): number | null {
  if (/^-?[0-9]+$/.test(text)) return Number(text);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  return null;
}

/** Parses IPv6 text (with ::, and an embedded dotted IPv4 tail) into 16 bytes, or null. */
export function parseIp6(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIp4(p);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(Number.parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => { out[2 * i] = g >>> 8; out[2 * i + 1] = g & 255; });
  return out;
}

function formatIp6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** Text of one field → bytes. `string`, `binary` take the text as a whole. */
export function encodeField(type: OptionType4, text: string): Uint8Array {
  const range = INT_RANGES[type];
  if (range !== undefined) {
    const [min, max, size] = range;
    const v = parseInteger(text);
    if (v === null || v < min || v > max) throw valueError(`'${text}' is not a ${type}`);
    const out = new Uint8Array(size);
    const w = new ByteWriter(out);
    const u = v < 0 ? v + 2 ** (8 * size) : v;
    if (size === 1) w.u8(u); else if (size === 2) w.u16(u); else w.u32(u);
    return out;
  }
  switch (type) {
    case 'boolean': {
      const t = text.toLowerCase();
      if (t === 'true' || t === '1') return Uint8Array.of(1);
      if (t === 'false' || t === '0') return Uint8Array.of(0);
      throw valueError(`'${text}' is not a boolean (true, false, 1 or 0)`);
    }
    case 'ipv4-address': {
      const a = parseIp4(text);
      if (a === null) throw valueError(`'${text}' is not an IPv4 address`);
      const out = new Uint8Array(4);
      new ByteWriter(out).u32(a);
      return out;
    }
    case 'ipv6-address': {
      const a = parseIp6(text);
      if (a === null) throw valueError(`'${text}' is not an IPv6 address`);
      return a;
    }
    case 'string':
      if (text.length === 0) throw valueError('a string value must not be empty');
      return new TextEncoder().encode(text);
    case 'fqdn':
      if (text.length === 0 || text === '.') throw valueError('a domain name must not be empty');
      try {
        return encodeName(text, true);
      } catch (e) {
        throw valueError(`'${text}' is not a domain name: ${(e as Error).message}`);
      }
    case 'psid': {
      const m = /^([0-9]+)\s*\/\s*([0-9]+)$/.exec(text);
      const psid = m ? Number(m[1]) : NaN, len = m ? Number(m[2]) : NaN;
      if (!m || len > 16 || psid >= 2 ** len) throw valueError(`'${text}' is not a PSID (psid/length, length 0..16)`);
      const out = new Uint8Array(3);
      new ByteWriter(out).u8(len).u16(len === 0 ? 0 : (psid << (16 - len)) & 0xffff);
      return out;
    }
    case 'binary':
    case 'empty':
    case 'internal':
    case 'record':
    default:
      throw valueError(`type ${type} has no single-value text form`);
  }
}

/** Reads one field at `pos`; string and binary take the rest. Throws CodecError when it does not fit. */
export function formatField(type: OptionType4, data: Uint8Array, pos: number): { text: string; next: number } {
  const r = new ByteReader(data, pos);
  const text = readField(type, r, data);
  return { text, next: type === 'fqdn' ? fqdnEnd(data, pos) : r.pos };
}

function fqdnEnd(data: Uint8Array, pos: number): number {
  return readName(data, pos, { compression: false, allowPartial: false }).next;
}

function readField(type: OptionType4, r: ByteReader, data: Uint8Array): string {
  switch (type) {
    case 'uint8': return String(r.u8());
    case 'uint16': return String(r.u16());
    case 'uint32': return String(r.u32());
    case 'int8': return String((r.u8() << 24) >> 24);
    case 'int16': return String((r.u16() << 16) >> 16);
    case 'int32': return String(r.u32() | 0);
    case 'boolean': {
      const v = r.u8();
      if (v > 1) throw valueError(`boolean byte ${v}`);
      return v === 1 ? 'true' : 'false';
    }
    case 'ipv4-address': return formatIp4(readIp4(r.bytes(4), 0));
    case 'ipv6-address': return formatIp6(r.bytes(16));
    case 'psid': {
      const len = r.u8(), v = r.u16();
      if (len > 16) throw valueError(`PSID length ${len}`);
      return `${len === 0 ? 0 : v >>> (16 - len)}/${len}`;
    }
    case 'fqdn': return readName(data, r.pos, { compression: false, allowPartial: false }).name;
    case 'string': return new TextDecoder('utf-8').decode(r.bytes(r.remaining));
    case 'binary': return hexText(r.bytes(r.remaining));
    default: throw valueError(`type ${type} has no single-value text form`);
  }
}

export function hexText(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i++) s += (i > 0 ? ':' : '') + data[i]!.toString(16).padStart(2, '0');
  return s;
}
