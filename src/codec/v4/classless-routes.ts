import type { Ip4 } from '../../util/index.ts';
import { prefixMask } from '../../util/index.ts';
import { ByteReader, ByteWriter, CodecError, CodecErrorCode } from '../bytes/index.ts';

/** One route of option 121 (RFC 3442). */
export type StaticRoute4 = { network: Ip4; prefixLength: number; router: Ip4 };

export function decodeClasslessRoutes(data: Uint8Array): StaticRoute4[] {
  const r = new ByteReader(data);
  const out: StaticRoute4[] = [];
  while (r.remaining > 0) {
    const at = r.pos;
    const prefixLength = r.u8('route prefix length');
    if (prefixLength > 32) throw new CodecError(CodecErrorCode.BAD_OPTION, `route prefix length ${prefixLength} is more than 32`, at);
    let network = 0;
    const significant = Math.ceil(prefixLength / 8);
    for (let i = 0; i < 4; i++) network = network * 256 + (i < significant ? r.u8('route destination') : 0);
    const router = r.u32('route router');
    out.push({ network: (network & prefixMask(prefixLength)) >>> 0, prefixLength, router });
  }
  return out;
}

export function encodeClasslessRoutes(routes: StaticRoute4[]): Uint8Array {
  let size = 0;
  for (const route of routes) {
    if (!Number.isInteger(route.prefixLength) || route.prefixLength < 0 || route.prefixLength > 32) {
      throw new CodecError(CodecErrorCode.BAD_OPTION, `route prefix length ${route.prefixLength} is not 0..32`);
    }
    size += 1 + Math.ceil(route.prefixLength / 8) + 4;
  }
  const out = new Uint8Array(size);
  const w = new ByteWriter(out);
  for (const { network, prefixLength, router } of routes) {
    const masked = (network & prefixMask(prefixLength)) >>> 0;
    w.u8(prefixLength);
    for (let i = 0; i < Math.ceil(prefixLength / 8); i++) w.u8((masked >>> (24 - 8 * i)) & 255);
    w.u32(router);
  }
  return out;
}
