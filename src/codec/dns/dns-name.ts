import { ByteWriter, CodecError, CodecErrorCode } from '../bytes/index.ts';

// DNS names (RFC 1035 §3.1, §4.1.4) as DHCP carries them. Labels are text in latin1 (one char per
// byte); a label containing '.' is not representable in the dotted form and is rejected on encode.

const MAX_NAME = 255;

/** Splits dotted text into labels; a trailing dot (or '') means fully qualified. */
export function nameLabels(name: string): { labels: string[]; absolute: boolean } {
  const absolute = name.endsWith('.');
  const trimmed = absolute ? name.slice(0, -1) : name;
  if (trimmed.length === 0) return { labels: [], absolute: true };
  const labels = trimmed.split('.');
  let size = 1;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) {
      throw new CodecError(CodecErrorCode.BAD_NAME, `'${name}' has a label of ${label.length} characters (1..63 allowed)`);
    }
    for (let i = 0; i < label.length; i++) {
      if (label.charCodeAt(i) > 255) throw new CodecError(CodecErrorCode.BAD_NAME, `'${name}' has a character outside latin1`);
    }
    size += label.length + 1;
  }
  if (size > MAX_NAME) throw new CodecError(CodecErrorCode.BAD_NAME, `'${name}' is longer than ${MAX_NAME} bytes in wire form`);
  return { labels, absolute };
}

/** Wire length of labels: each label + its length byte, plus the root byte when terminated. */
export function labelsWireLength(labels: string[], terminated: boolean): number {
  let n = terminated ? 1 : 0;
  for (const l of labels) n += l.length + 1;
  return n;
}

export function writeLabels(w: ByteWriter, labels: string[], terminated: boolean): void {
  for (const label of labels) {
    w.u8(label.length);
    for (let i = 0; i < label.length; i++) w.u8(label.charCodeAt(i));
  }
  if (terminated) w.u8(0);
}

/** Uncompressed wire form of a name; `terminated` false leaves off the root label (partial name). */
export function encodeName(name: string, terminated = true): Uint8Array {
  const { labels } = nameLabels(name);
  const out = new Uint8Array(labelsWireLength(labels, terminated));
  writeLabels(new ByteWriter(out), labels, terminated);
  return out;
}

function labelText(data: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) s += String.fromCharCode(data[i]!);
  return s;
}

/**
 * Reads one name at `pos`. With `compression`, pointers may refer to earlier bytes of `data` (each
 * jump must land strictly before the previous one, so loops are impossible). Returns the dotted name (no
 * trailing dot), where the name ended, and whether it ended with the root label (false: ran out of data
 * and `allowPartial`).
 */
export function readName(
  data: Uint8Array, pos: number, opts: { compression: boolean; allowPartial: boolean },
): { name: string; next: number; terminated: boolean } {
  const labels: string[] = [];
  let at = pos;
  let next = -1;
  let size = 1;
  let lastTarget = Number.POSITIVE_INFINITY;
  for (;;) {
    if (at >= data.length) {
      if (opts.allowPartial && next === -1) return { name: labels.join('.'), next: at, terminated: false };
      throw new CodecError(CodecErrorCode.TRUNCATED, 'name runs past the end of its option', at);
    }
    const len = data[at]!;
    if (len === 0) {
      if (next === -1) next = at + 1;
      return { name: labels.join('.'), next, terminated: true };
    }
    if ((len & 0xc0) === 0xc0) {
      if (!opts.compression) throw new CodecError(CodecErrorCode.BAD_NAME, 'compression pointer where none is allowed', at);
      if (at + 1 >= data.length) throw new CodecError(CodecErrorCode.TRUNCATED, 'compression pointer cut short', at);
      const target = ((len & 0x3f) << 8) | data[at + 1]!;
      // Each jump must land strictly before the previous one: no loops, whatever the input.
      if (target >= at || target >= lastTarget) {
        throw new CodecError(CodecErrorCode.BAD_NAME, `compression pointer to ${target} does not point backwards`, at);
      }
      lastTarget = target;
      if (next === -1) next = at + 2;
      at = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new CodecError(CodecErrorCode.BAD_NAME, `reserved label type 0x${len.toString(16)}`, at);
    if (at + 1 + len > data.length) {
      throw new CodecError(CodecErrorCode.TRUNCATED, `label of ${len} bytes runs past the end of its option`, at);
    }
    size += len + 1;
    if (size > MAX_NAME) throw new CodecError(CodecErrorCode.BAD_NAME, `name longer than ${MAX_NAME} bytes`, at);
    labels.push(labelText(data, at + 1, len));
    at += 1 + len;
  }
}
