/**
 * Tracks whether the bytes received so far hold one complete JSON object or array, so a request
 * split across reads is parsed once, when it is whole. Anything that does not start with `{` or `[`
 * is "complete" at once (it is not a command; parsing it yields the error to answer).
 */
export class JsonCompleteness {
  #depth = 0;
  #started = false;
  #inString = false;
  #escaped = false;
  #done = false;

  /** Feeds the next chunk; returns true once a complete top-level value has been seen. */
  feed(chunk: Uint8Array): boolean {
    for (let i = 0; i < chunk.length && !this.#done; i++) {
      const c = chunk[i]!;
      if (!this.#started) {
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
        this.#started = true;
        if (c !== 0x7b && c !== 0x5b) { this.#done = true; break; }
        this.#depth = 1;
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === 0x5c) this.#escaped = true;
        else if (c === 0x22) this.#inString = false;
        continue;
      }
      if (c === 0x22) this.#inString = true;
      else if (c === 0x7b || c === 0x5b) this.#depth++;
      else if (c === 0x7d || c === 0x5d) {
        this.#depth--;
        if (this.#depth === 0) this.#done = true;
      }
    }
    return this.#done;
  }
}
