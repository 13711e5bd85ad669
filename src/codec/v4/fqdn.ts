import { ByteWriter, CodecError, CodecErrorCode } from '../bytes/index.ts';
import { labelsWireLength, nameLabels, readName, writeLabels } from '../dns/index.ts';
import { bytesToText } from './accessors4.ts';

/** Client FQDN option 81 (RFC 4702). `name` has no trailing dot; `partial` says it is not fully qualified. */
export type ClientFqdn = { flags: number; rcode1: number; rcode2: number; name: string; partial: boolean };

/** RFC 4702 §2.1 flag bits. */
export const FqdnFlags = { S: 0x01, O: 0x02, E: 0x04, N: 0x08 } as const;

export function decodeClientFqdn(data: Uint8Array): ClientFqdn {
  if (data.length < 3) throw new CodecError(CodecErrorCode.TRUNCATED, `option 81 is ${data.length} bytes, need at least 3`, data.length);
  const flags = data[0]!, rcode1 = data[1]!, rcode2 = data[2]!;
  const body = data.subarray(3);
  if ((flags & FqdnFlags.E) === 0) {
    // Deprecated ASCII form: a trailing dot marks a fully qualified name.
    const text = bytesToText(body);
    const partial = !text.endsWith('.');
    return { flags, rcode1, rcode2, name: partial ? text : text.slice(0, -1), partial };
  }
  if (body.length === 0) return { flags, rcode1, rcode2, name: '', partial: true };
  const { name, next, terminated } = readName(body, 0, { compression: false, allowPartial: true });
  if (next !== body.length) throw new CodecError(CodecErrorCode.BAD_NAME, 'bytes after the name in option 81', 3 + next);
  return { flags, rcode1, rcode2, name, partial: !terminated };
}

/** Canonical wire form: E flag set, name in DNS wire format (root label only when not partial). */
export function encodeClientFqdn(v: ClientFqdn): Uint8Array {
  const { labels } = nameLabels(v.name);
  const terminated = !v.partial;
  if (labels.length === 0 && v.partial) {
    return Uint8Array.of((v.flags | FqdnFlags.E) & 255, v.rcode1 & 255, v.rcode2 & 255);
  }
  const out = new Uint8Array(3 + labelsWireLength(labels, terminated));
  const w = new ByteWriter(out);
  w.u8((v.flags | FqdnFlags.E) & 255).u8(v.rcode1 & 255).u8(v.rcode2 & 255);
  writeLabels(w, labels, terminated);
  return out;
}
