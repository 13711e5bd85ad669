import { CodecError, CodecErrorCode } from './codec-error.ts';

/** A bounds-checked cursor over a Uint8Array. Variable-length reads return views, never copies. */
export class ByteReader {
  readonly buf: Uint8Array;
  readonly end: number;
  #pos: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.#pos = start;
    this.end = end;
  }

  get pos(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.end - this.#pos;
  }

  #need(n: number, what: string): number {
    const at = this.#pos;
    if (at + n > this.end) {
      throw new CodecError(CodecErrorCode.TRUNCATED, `truncated ${what}: need ${n} byte(s) at offset ${at}, have ${this.end - at}`, at);
    }
    this.#pos = at + n;
    return at;
  }

  u8(what = 'uint8'): number {
    return this.buf[this.#need(1, what)]!;
  }

  u16(what = 'uint16'): number {
    const at = this.#need(2, what);
    return (this.buf[at]! << 8) | this.buf[at + 1]!;
  }

  u32(what = 'uint32'): number {
    const at = this.#need(4, what);
    return ((this.buf[at]! << 24) | (this.buf[at + 1]! << 16) | (this.buf[at + 2]! << 8) | this.buf[at + 3]!) >>> 0;
  }

  /** A view of the next n bytes. */
  bytes(n: number, what = 'bytes'): Uint8Array {
    const at = this.#need(n, what);
    return this.buf.subarray(at, at + n);
  }

  skip(n: number, what = 'bytes'): void {
    this.#need(n, what);
  }
}
