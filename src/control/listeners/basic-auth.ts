import { createHash, timingSafeEqual } from 'node:crypto';
import type { ControlClient } from '../../model/index.ts';

export type AuthOutcome =
  | { readonly ok: true; readonly user: string }
  | { readonly ok: false; readonly reason: 'no-credentials' | 'malformed' | 'bad-credentials' };

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks an `Authorization: Basic …` header against the configured users. Every user is compared,
 * each with a constant-time compare of SHA-256 digests, so the time taken says nothing about which
 * part was wrong.
 */
export function createBasicAuth(clients: readonly ControlClient[]): (header: string | undefined) => AuthOutcome {
  const expected = clients.map((c) => ({ user: c.user, hash: digest(`${c.user}:${c.password}`) }));
  return (header) => {
    if (header === undefined || header.trim() === '') return { ok: false, reason: 'no-credentials' };
    const m = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (m === null) return { ok: false, reason: 'malformed' };
    const given = digest(Buffer.from(m[1]!, 'base64').toString('utf8'));
    let user: string | null = null;
    for (const e of expected) {
      if (timingSafeEqual(given, e.hash) && user === null) user = e.user;
    }
    return user === null ? { ok: false, reason: 'bad-credentials' } : { ok: true, user };
  };
}
