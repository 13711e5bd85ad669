import { CodecError, CodecErrorCode } from '../bytes/index.ts';

/**
 * An ordered map of DHCPv4 options: code → payload. Insertion order is kept; set() on a present code
 * replaces the payload in place. Decoded payloads are views into the packet (concatenated copies
 * only for options that arrived in several instances, RFC 3396).
 */
export class Options4 {
  readonly #entries = new Map<number, Uint8Array>();

  get(code: number): Uint8Array | undefined {
    return this.#entries.get(code);
  }

  has(code: number): boolean {
    return this.#entries.has(code);
  }

  set(code: number, data: Uint8Array): this {
    if (!Number.isInteger(code) || code < 1 || code > 254) {
      throw new CodecError(CodecErrorCode.BAD_OPTION, `option code ${code} is not 1..254`);
    }
    this.#entries.set(code, data);
    return this;
  }

  delete(code: number): boolean {
    return this.#entries.delete(code);
  }

  codes(): number[] {
    return [...this.#entries.keys()];
  }

  get size(): number {
    return this.#entries.size;
  }

  [Symbol.iterator](): IterableIterator<[number, Uint8Array]> {
    return this.#entries.entries();
  }
}
