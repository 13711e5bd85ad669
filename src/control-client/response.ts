import type { ControlResponse } from '../control/index.ts';
import { ControlClientError } from './control-client-error.ts';

/**
 * Checks that `v` has Kea's response shape. HTTP answers are a one-element array (Kea's control
 * agent); a bare object is taken too. `arguments` is kept as sent (Kea's list-commands sends an array).
 */
export function toControlResponse(v: unknown, where: string): ControlResponse {
  const one = Array.isArray(v) ? v[0] : v;
  if (Array.isArray(v) && v.length !== 1) {
    throw new ControlClientError('ERR_CONTROL_CLIENT_RESPONSE', `${where}: expected one response, got ${v.length}`);
  }
  if (typeof one !== 'object' || one === null || Array.isArray(one)) {
    throw new ControlClientError('ERR_CONTROL_CLIENT_RESPONSE', `${where}: the answer is not a JSON object`);
  }
  const o = one as Record<string, unknown>;
  const result = o['result'];
  if (typeof result !== 'number' || !Number.isInteger(result)) {
    throw new ControlClientError('ERR_CONTROL_CLIENT_RESPONSE', `${where}: the answer has no integer 'result'`);
  }
  return o as unknown as ControlResponse;
}

/** Parses `text` if it is one complete JSON value; null while more is expected. */
export function tryParseJson(text: string): { value: unknown } | null {
  const t = text.trim();
  if (t === '') return null;
  try {
    return { value: JSON.parse(t) as unknown };
  } catch {
    return null;
  }
}
