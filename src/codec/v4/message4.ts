import type { Ip4 } from '../../util/index.ts';
import { ByteReader, ByteWriter, CodecError, CodecErrorCode } from '../bytes/index.ts';
import { BootOp, HEADER4, Opt4 } from './constants4.ts';
import { Options4 } from './options4.ts';

export type Message4 = {
  op: number; htype: number; hlen: number; hops: number; xid: number; secs: number; flags: number;
  ciaddr: Ip4; yiaddr: Ip4; siaddr: Ip4; giaddr: Ip4;
  /** Always 16 bytes (a view on decode). */
  chaddr: Uint8Array;
  /** 64 bytes; zeros when option overload (52) used the field for options. */
  sname: Uint8Array;
  /** 128 bytes; zeros when option overload (52) used the field for options. */
  file: Uint8Array;
  /** Option 52 never appears here: decode consumes it, encode computes it. */
  options: Options4;
};

const { CHADDR_LEN, SNAME_OFFSET, SNAME_LEN, FILE_OFFSET, FILE_LEN, OPTIONS_OFFSET, MAGIC_COOKIE } = HEADER4;
const OVERLOAD_FILE = 1;
const OVERLOAD_SNAME = 2;

/** A zeroed message: op BOOTREQUEST, htype 1 (Ethernet), hlen 6. A short chaddr is zero-padded to 16. */
export function createMessage4(init: Partial<Message4> = {}): Message4 {
  return {
    op: init.op ?? BootOp.REQUEST, htype: init.htype ?? 1, hlen: init.hlen ?? 6, hops: init.hops ?? 0,
    xid: init.xid ?? 0, secs: init.secs ?? 0, flags: init.flags ?? 0,
    ciaddr: init.ciaddr ?? 0, yiaddr: init.yiaddr ?? 0, siaddr: init.siaddr ?? 0, giaddr: init.giaddr ?? 0,
    chaddr: padTo(init.chaddr, CHADDR_LEN, 'chaddr'),
    sname: padTo(init.sname, SNAME_LEN, 'sname'),
    file: padTo(init.file, FILE_LEN, 'file'),
    options: init.options ?? new Options4(),
  };
}

function padTo(data: Uint8Array | undefined, size: number, what: string): Uint8Array {
  if (data !== undefined && data.length === size) return data;
  if (data !== undefined && data.length > size) {
    throw new CodecError(CodecErrorCode.BAD_HEADER, `${what} is ${data.length} bytes, at most ${size}`);
  }
  const out = new Uint8Array(size);
  if (data !== undefined) out.set(data);
  return out;
}

/** Decodes a BOOTP/DHCP message (UDP payload). Throws only CodecError. */
export function decodeMessage4(bytes: Uint8Array): Message4 {
  if (bytes.length < OPTIONS_OFFSET) {
    throw new CodecError(CodecErrorCode.TOO_SHORT, `message is ${bytes.length} bytes, need at least ${OPTIONS_OFFSET}`, bytes.length);
  }
  if (bytes.length > HEADER4.MAX_LEN) {
    throw new CodecError(CodecErrorCode.TOO_LARGE, `message is ${bytes.length} bytes, more than ${HEADER4.MAX_LEN}`, HEADER4.MAX_LEN);
  }
  const r = new ByteReader(bytes);
  const op = r.u8(), htype = r.u8(), hlen = r.u8(), hops = r.u8();
  if (hlen > CHADDR_LEN) throw new CodecError(CodecErrorCode.BAD_HEADER, `hlen ${hlen} is more than ${CHADDR_LEN}`, 2);
  const xid = r.u32(), secs = r.u16(), flags = r.u16();
  const ciaddr = r.u32(), yiaddr = r.u32(), siaddr = r.u32(), giaddr = r.u32();
  const chaddr = r.bytes(CHADDR_LEN);
  let sname = r.bytes(SNAME_LEN);
  let file = r.bytes(FILE_LEN);
  if (r.u32() !== MAGIC_COOKIE) throw new CodecError(CodecErrorCode.BAD_COOKIE, 'magic cookie is not 99.130.83.99', HEADER4.COOKIE_OFFSET);

  const parts = new Map<number, Uint8Array[]>();
  walkRegion(bytes, OPTIONS_OFFSET, bytes.length, parts, true);
  const overload = parts.get(Opt4.OVERLOAD);
  if (overload !== undefined) {
    parts.delete(Opt4.OVERLOAD);
    const value = overload.length === 1 && overload[0]!.length === 1 ? overload[0]![0]! : 0;
    if (value < 1 || value > 3) throw new CodecError(CodecErrorCode.BAD_OPTION, 'option 52 (overload) must be one byte 1..3', OPTIONS_OFFSET);
    if (value & OVERLOAD_FILE) {
      walkRegion(bytes, FILE_OFFSET, FILE_OFFSET + FILE_LEN, parts, false);
      file = new Uint8Array(FILE_LEN);
    }
    if (value & OVERLOAD_SNAME) {
      walkRegion(bytes, SNAME_OFFSET, SNAME_OFFSET + SNAME_LEN, parts, false);
      sname = new Uint8Array(SNAME_LEN);
    }
  }
  const options = new Options4();
  for (const [code, chunks] of parts) options.set(code, chunks.length === 1 ? chunks[0]! : concat(chunks));
  return { op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr, chaddr, sname, file, options };
}

/** Walks one TLV region: PADs skipped, END stops, a missing END is tolerated. */
function walkRegion(bytes: Uint8Array, start: number, end: number, parts: Map<number, Uint8Array[]>, main: boolean): void {
  const r = new ByteReader(bytes, start, end);
  while (r.remaining > 0) {
    const at = r.pos;
    const code = r.u8();
    if (code === Opt4.PAD) continue;
    if (code === Opt4.END) return;
    const len = r.u8(`length of option ${code}`);
    const data = r.bytes(len, `option ${code} (${len} bytes)`);
    if (code === Opt4.OVERLOAD && !main) {
      throw new CodecError(CodecErrorCode.BAD_OPTION, 'option 52 (overload) inside an overloaded field', at);
    }
    const list = parts.get(code);
    if (list === undefined) parts.set(code, [data]);
    else list.push(data);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** One option instance as written: code + a slice of its payload. */
type Piece = { code: number; data: Uint8Array };
type Layout = { main: Piece[]; file: Piece[] | null; sname: Piece[] | null; mainBytes: number; length: number };

function encodingOrder(options: Options4): Array<[number, Uint8Array]> {
  const order: Array<[number, Uint8Array]> = [];
  const type = options.get(Opt4.MESSAGE_TYPE);
  const serverId = options.get(Opt4.SERVER_ID);
  if (type !== undefined) order.push([Opt4.MESSAGE_TYPE, type]);
  if (serverId !== undefined) order.push([Opt4.SERVER_ID, serverId]);
  for (const entry of options) {
    const code = entry[0];
    if (code !== Opt4.OVERLOAD && code !== Opt4.MESSAGE_TYPE && code !== Opt4.SERVER_ID) order.push(entry);
  }
  return order;
}

function isZero(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}

function clampMaxSize(maxSize: number | undefined): number {
  const size = maxSize === undefined || !Number.isFinite(maxSize) ? HEADER4.MIN_MAX_SIZE : Math.floor(maxSize);
  return Math.min(HEADER4.MAX_LEN, Math.max(HEADER4.MIN_MAX_SIZE, size));
}

/**
 * Places options into the options field, then (overload) file, then sname. A payload over 255 bytes
 * becomes several instances (RFC 3396); only such long options are split across fields.
 */
function layout(msg: Message4, maxSize: number): Layout {
  const order = encodingOrder(msg.options);
  let total = 0;
  for (const [, data] of order) total += 2 * Math.max(1, Math.ceil(data.length / 255)) + data.length;
  if (OPTIONS_OFFSET + total + 1 <= maxSize) {
    const main: Piece[] = [];
    for (const [code, data] of order) {
      if (data.length <= 255) main.push({ code, data });
      else for (const piece of split(code, data, 255)) main.push(piece);
    }
    return finish({ main, file: null, sname: null, mainBytes: total + 1, length: 0 });
  }
  const regions: Array<{ room: number; pieces: Piece[] } | null> = [
    { room: maxSize - OPTIONS_OFFSET - 3 - 1, pieces: [] },
    isZero(msg.file) ? { room: FILE_LEN - 1, pieces: [] } : null,
    isZero(msg.sname) ? { room: SNAME_LEN - 1, pieces: [] } : null,
  ];
  let ri = 0;
  for (const [code, whole] of order) {
    let data = whole;
    let placed = false;
    while (!placed) {
      const region = regions[ri];
      if (ri >= regions.length) {
        throw new CodecError(CodecErrorCode.TOO_LARGE, `options do not fit in ${maxSize} bytes, even with option overload`);
      }
      if (region === null || region === undefined) { ri++; continue; }
      const chunk = Math.min(255, data.length);
      if (2 + chunk <= region.room && (chunk === data.length || data.length > 255)) {
        region.pieces.push({ code, data: data.subarray(0, chunk) });
        region.room -= 2 + chunk;
        data = data.subarray(chunk);
        placed = data.length === 0;
      } else if (whole.length > 255 && region.room >= 3) {
        const part = region.room - 2;
        region.pieces.push({ code, data: data.subarray(0, part) });
        region.room = 0;
        data = data.subarray(part);
        ri++;
      } else {
        ri++;
      }
    }
  }
  const [m, f, s] = regions;
  const file = f && f.pieces.length > 0 ? f.pieces : null;
  const sname = s && s.pieces.length > 0 ? s.pieces : null;
  const main = m!.pieces;
  return finish({ main, file, sname, mainBytes: piecesBytes(main) + 3 + 1, length: 0 });
}

function finish(l: Layout): Layout {
  l.length = Math.max(HEADER4.BOOTP_MIN_LEN, OPTIONS_OFFSET + l.mainBytes);
  return l;
}

function split(code: number, data: Uint8Array, size: number): Piece[] {
  if (data.length === 0) return [{ code, data }];
  const out: Piece[] = [];
  for (let at = 0; at < data.length; at += size) out.push({ code, data: data.subarray(at, at + size) });
  return out;
}

function piecesBytes(pieces: Piece[]): number {
  let n = 0;
  for (const p of pieces) n += 2 + p.data.length;
  return n;
}

/** The exact number of bytes encodeMessage4 writes for this message and size limit. */
export function message4EncodingLength(msg: Message4, maxSize?: number): number {
  return layout(msg, clampMaxSize(maxSize)).length;
}

/**
 * Encodes: 53 first, then 54, then the rest in insertion order, END, zero padding to 300 bytes.
 * maxSize (default and floor 576) triggers option overload into file, then sname; beyond that
 * throws CodecError ERR_CODEC_TOO_LARGE.
 */
export function encodeMessage4(msg: Message4, maxSize?: number): Uint8Array {
  const l = layout(msg, clampMaxSize(maxSize));
  const out = new Uint8Array(l.length);
  writeLayout(msg, l, out, 0);
  return out;
}

/** Encodes into `target` at `offset`; returns the number of bytes written. */
export function encodeMessage4Into(msg: Message4, target: Uint8Array, offset = 0, maxSize?: number): number {
  const l = layout(msg, clampMaxSize(maxSize));
  if (offset < 0 || offset + l.length > target.length) {
    throw new CodecError(CodecErrorCode.TOO_LARGE, `message needs ${l.length} bytes at offset ${offset}, target has ${target.length}`);
  }
  writeLayout(msg, l, target, offset);
  return l.length;
}

function writeLayout(msg: Message4, l: Layout, target: Uint8Array, offset: number): void {
  if (msg.chaddr.length > CHADDR_LEN) throw new CodecError(CodecErrorCode.BAD_HEADER, `chaddr is ${msg.chaddr.length} bytes, at most 16`);
  const w = new ByteWriter(target, offset);
  w.u8(msg.op).u8(msg.htype).u8(msg.hlen).u8(msg.hops).u32(msg.xid).u16(msg.secs).u16(msg.flags);
  w.u32(msg.ciaddr).u32(msg.yiaddr).u32(msg.siaddr).u32(msg.giaddr);
  w.bytes(msg.chaddr).zeros(CHADDR_LEN - msg.chaddr.length);
  writeField(w, l.sname, msg.sname, SNAME_LEN, 'sname');
  writeField(w, l.file, msg.file, FILE_LEN, 'file');
  w.u32(MAGIC_COOKIE);
  writePieces(w, l.main);
  if (l.file !== null || l.sname !== null) {
    w.u8(Opt4.OVERLOAD).u8(1).u8((l.file !== null ? OVERLOAD_FILE : 0) | (l.sname !== null ? OVERLOAD_SNAME : 0));
  }
  w.u8(Opt4.END);
  w.zeros(offset + l.length - w.pos);
}

function writeField(w: ByteWriter, pieces: Piece[] | null, field: Uint8Array, size: number, what: string): void {
  const start = w.pos;
  if (pieces !== null) {
    writePieces(w, pieces);
    w.u8(Opt4.END);
  } else {
    if (field.length > size) throw new CodecError(CodecErrorCode.BAD_HEADER, `${what} is ${field.length} bytes, at most ${size}`);
    w.bytes(field);
  }
  w.zeros(size - (w.pos - start));
}

function writePieces(w: ByteWriter, pieces: Piece[]): void {
  for (const p of pieces) w.u8(p.code).u8(p.data.length).bytes(p.data);
}
