import { CodecError, CodecErrorCode } from './codec-error.ts';

/**
 * A cursor writing into a caller-sized Uint8Array (encoders compute the exact length first, then
 * write once). Writing past the end is a broken invariant of the encoder, reported as CodecError.
 */
export class ByteWriter {
  readonly buf: Uint8Array;
  #pos: number;

  constructor(buf: Uint8Array, start = 0) {
    this.buf = buf;
    this.#pos = start;
  }

  get pos(): number {
    return this.#pos;
  }

  #room(n: number): number {
    const at = this.#pos;
    if (at + n > this.buf.length) {
      throw new CodecError(CodecErrorCode.TOO_LARGE, `encoder overflow: ${n} byte(s) at offset ${at} exceed ${this.buf.length}`, at);
    }
    this.#pos = at + n;
    return at;
  }

  u8(value: number): this {
    this.buf[this.#room(1)] = value;
    return this;
  }

  u16(value: number): this {
    const at = this.#room(2);
    this.buf[at] = (value >>> 8) & 255;
    this.buf[at + 1] = value & 255;
    return this;
  }

  u32(value: number): this {
    const at = this.#room(4);
    this.buf[at] = value >>> 24;
    this.buf[at + 1] = (value >>> 16) & 255;
    this.buf[at + 2] = (value >>> 8) & 255;
    this.buf[at + 3] = value & 255;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.buf.set(data, this.#room(data.length));
    return this;
  }

  /** Writes n zero bytes (the target may hold old data when the caller passed its own buffer). */
  zeros(n: number): this {
    const at = this.#room(n);
    this.buf.fill(0, at, at + n);
    return this;
  }
}
