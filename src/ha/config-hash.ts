import { hashSharedConfig, sharedConfigPart } from './config-push.ts';

/**
 * The hash a running server puts in its heartbeat (`config-hash`): SHA-256 over the canonical
 * shared part of its config JSON (config-push.ts), so any drift in what the partners share — a
 * scope, an option, a lifetime, a relationship setting — shows at once, and a pushed shared part,
 * once merged, hashes the same on both. Local keys (names, interfaces, sockets, secrets) are not in it.
 */
export function sharedConfigHash(configJson: unknown): string {
  return hashSharedConfig(sharedConfigPart(configJson));
}
