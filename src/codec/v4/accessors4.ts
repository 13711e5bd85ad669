import type { Ip4 } from '../../util/index.ts';
import { readIp4 } from '../../util/index.ts';
import { Opt4 } from './constants4.ts';
import type { Message4 } from './message4.ts';

// Typed reads of single options. Absent or malformed → null: the caller decides what a bad value
// means (usually: treat as absent, count, maybe drop).

export function getMessageType4(m: Message4): number | null {
  const d = m.options.get(Opt4.MESSAGE_TYPE);
  return d !== undefined && d.length === 1 ? d[0]! : null;
}

export function getIp4Option(m: Message4, code: number): Ip4 | null {
  const d = m.options.get(code);
  return d !== undefined && d.length === 4 ? readIp4(d, 0) : null;
}

export function getUint32Option(m: Message4, code: number): number | null {
  const d = m.options.get(code);
  return d !== undefined && d.length === 4 ? readIp4(d, 0) : null;
}

export function getUint16Option(m: Message4, code: number): number | null {
  const d = m.options.get(code);
  return d !== undefined && d.length === 2 ? (d[0]! << 8) | d[1]! : null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Option payload as text: UTF-8 when valid, else latin1; trailing NULs stripped (some clients send them). */
export function bytesToText(d: Uint8Array): string {
  let end = d.length;
  while (end > 0 && d[end - 1] === 0) end--;
  const view = d.subarray(0, end);
  try {
    return utf8.decode(view);
  } catch {
    return latin1.decode(view);
  }
}

export function getStringOption(m: Message4, code: number): string | null {
  const d = m.options.get(code);
  return d === undefined ? null : bytesToText(d);
}

const EMPTY = new Uint8Array(0);

/** Option 55, or an empty array when absent. */
export function getParameterRequestList(m: Message4): Uint8Array {
  return m.options.get(Opt4.PARAMETER_REQUEST_LIST) ?? EMPTY;
}
