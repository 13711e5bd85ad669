import { ByteWriter, CodecError, CodecErrorCode } from '../bytes/index.ts';
import { nameLabels, readName } from '../dns/index.ts';

/** Option 119 (RFC 3397): names with compression pointers into the (concatenated) option. */
export function decodeDomainSearch(data: Uint8Array): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < data.length) {
    const { name, next } = readName(data, pos, { compression: true, allowPartial: false });
    out.push(name);
    pos = next;
  }
  return out;
}

/** Encodes with suffix compression (pointers to earlier names), as RFC 3397 §2 suggests. */
export function encodeDomainSearch(names: string[]): Uint8Array {
  const plan: Array<{ labels: string[]; pointer: number }> = [];
  const seen = new Map<string, number>();
  let size = 0;
  for (const name of names) {
    const { labels } = nameLabels(name);
    let pointer = -1;
    let used = labels.length;
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const at = seen.get(suffix);
      if (at !== undefined) {
        pointer = at;
        used = i;
        break;
      }
    }
    let at = size;
    for (let i = 0; i < used; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      if (at < 0x4000 && !seen.has(suffix)) seen.set(suffix, at);
      at += 1 + labels[i]!.length;
    }
    plan.push({ labels: labels.slice(0, used), pointer });
    size = at + (pointer >= 0 ? 2 : 1);
  }
  const out = new Uint8Array(size);
  const w = new ByteWriter(out);
  for (const { labels, pointer } of plan) {
    for (const label of labels) {
      w.u8(label.length);
      for (let i = 0; i < label.length; i++) w.u8(label.charCodeAt(i));
    }
    if (pointer >= 0) w.u16(0xc000 | pointer);
    else w.u8(0);
  }
  if (w.pos !== size) throw new CodecError(CodecErrorCode.TOO_LARGE, 'domain-search size mismatch');
  return out;
}
