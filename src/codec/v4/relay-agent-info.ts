import { ByteReader, ByteWriter, CodecError, CodecErrorCode } from '../bytes/index.ts';

export type RelaySubOption4 = { code: number; data: Uint8Array };

/** Sub-options of option 82 (RFC 3046), in order, as views. Throws CodecError on a bad TLV. */
export function decodeRelayAgentInfo(data: Uint8Array): RelaySubOption4[] {
  const r = new ByteReader(data);
  const out: RelaySubOption4[] = [];
  while (r.remaining > 0) {
    const code = r.u8('relay sub-option code');
    const len = r.u8(`length of relay sub-option ${code}`);
    out.push({ code, data: r.bytes(len, `relay sub-option ${code}`) });
  }
  return out;
}

export function encodeRelayAgentInfo(subs: RelaySubOption4[]): Uint8Array {
  let size = 0;
  for (const s of subs) {
    if (!Number.isInteger(s.code) || s.code < 0 || s.code > 255) {
      throw new CodecError(CodecErrorCode.BAD_OPTION, `relay sub-option code ${s.code} is not 0..255`);
    }
    if (s.data.length > 255) throw new CodecError(CodecErrorCode.TOO_LARGE, `relay sub-option ${s.code} is ${s.data.length} bytes (max 255)`);
    size += 2 + s.data.length;
  }
  const out = new Uint8Array(size);
  const w = new ByteWriter(out);
  for (const s of subs) w.u8(s.code).u8(s.data.length).bytes(s.data);
  return out;
}
