import type { Clock } from '../util/index.ts';
import type { HaPeer } from '../model/index.ts';
import type { Logger } from '../obs/index.ts';
import { RESULT, haConfigPush } from './commands.ts';
import type { CommandJson, ConfigPushArgs } from './commands.ts';
import { sharedConfigHash } from './config-hash.ts';
import { hashSharedConfig, mergeSharedConfig, sharedConfigPart } from './config-push.ts';
import type { PartnerResult } from './partner-client.ts';

/** What applying a merged config gave (runtime: config-set, atomic, refused with reasons). */
export type ApplyConfigOutcome = { readonly ok: true } | { readonly ok: false; readonly reasons: readonly string[] };

export type ConfigReplicationOptions = {
  readonly me: HaPeer;
  readonly partner: HaPeer;
  readonly log: Logger;
  readonly clock: Clock;
  readonly send: (command: CommandJson) => Promise<PartnerResult>;
  /** The config in force, `{"Dhcp4": …}`. */
  readonly configJson: () => unknown;
  /** Validates and applies a whole config atomically; without it, pushes are refused. */
  readonly applyConfig?: (json: unknown) => Promise<ApplyConfigOutcome>;
  /** The first hash (null: this server does not compare hashes). */
  readonly initialHash: string | null;
  /** After a refused push, the same config is pushed again no sooner than this (default 30 s). */
  readonly retryMs?: number;
};

export type PushStatus = 'idle' | 'pushing' | 'pushed' | 'refused' | 'failed';

export type ConfigReplication = {
  hash(): string | null;
  /** Whether the partner's last heartbeat hash equals ours (null: unknown or not compared). */
  matches(): boolean | null;
  /** A heartbeat answer's hash: records it; the primary pushes on a mismatch. */
  observe(partnerHash: string | null): void;
  /** This server's own config changed (reload, config-set, a push landed): rehash; the primary pushes at once. */
  changed(json: unknown): void;
  /** ha-config-push from the partner: merge the shared part into ours and apply it. */
  receive(args: ConfigPushArgs): Promise<{ readonly ok: boolean; readonly text: string; readonly configHash: string | null }>;
  status(): Record<string, unknown>;
  /** Resolves when no push is in flight (stop). */
  idle(): Promise<void>;
};

/**
 * One relationship config (docs/ha.md): the primary's shared config is pushed to the partner when
 * a heartbeat shows different hashes, or at once when the primary's own config changes. The
 * partner merges it with its local part (config-push.ts) and applies it atomically.
 */
export function createConfigReplication(o: ConfigReplicationOptions): ConfigReplication {
  const { me, partner, log, clock } = o;
  const retryMs = o.retryMs ?? 30_000;
  let hash = o.initialHash;
  let partnerHash: string | null = null;
  let pushing: Promise<void> | null = null;
  let last: { hash: string; partnerHash: string | null; atMs: number } | null = null;
  let pushStatus: PushStatus = 'idle';
  let pushText: string | null = null;

  const matches = (): boolean | null => (hash === null || partnerHash === null ? null : hash === partnerHash);

  function maybePush(): void {
    if (me.role !== 'primary' || hash === null || partnerHash === null || hash === partnerHash || pushing !== null) return;
    const now = clock.monotonicMs();
    if (last !== null && last.hash === hash && last.partnerHash === partnerHash && now - last.atMs < retryMs) return;
    pushing = push(hash).finally(() => { pushing = null; });
  }

  async function push(h: string): Promise<void> {
    const shared = sharedConfigPart(o.configJson());
    const sentHash = hashSharedConfig(shared);
    if (sentHash !== h) return; // the config changed under us; changed() pushes the new one
    pushStatus = 'pushing';
    const before = partnerHash;
    const r = await o.send(haConfigPush.build({ serverName: me.name, config: shared, configHash: sentHash }));
    const ok = r.ok && r.answer.result === RESULT.SUCCESS;
    // A refusal waits retryMs before the same push; an unreachable partner is retried at the next heartbeat.
    if (r.ok) last = { hash: sentHash, partnerHash: before, atMs: clock.monotonicMs() };
    pushStatus = ok ? 'pushed' : r.ok ? 'refused' : 'failed';
    pushText = r.ok ? r.answer.text : r.error;
    if (ok) partnerHash = sentHash;
    log.log('HA_CONFIG_PUSHED', { server: me.name, partner: partner.name, 'config-hash': sentHash, ok, result: r.ok ? r.answer.result : null, text: pushText },
      ok ? `${me.name}: shared config ${sentHash.slice(0, 12)} pushed to ${partner.name} and applied there`
        : `${me.name}: shared config push to ${partner.name} ${r.ok ? 'refused' : 'failed'}: ${pushText}`);
  }

  return {
    hash: () => hash,
    matches,
    observe(h) {
      partnerHash = h;
      maybePush();
    },
    changed(json) {
      if (hash === null) return;
      const next = sharedConfigHash(json);
      if (next === hash) return;
      hash = next;
      maybePush();
    },
    async receive(args) {
      const refuse = (text: string) => {
        log.log('HA_CONFIG_RECEIVED', { server: me.name, from: args.serverName, 'config-hash': args.configHash, applied: false, reason: text },
          `${me.name}: shared config from ${args.serverName} refused: ${text}`);
        return { ok: false, text, configHash: hash };
      };
      if (args.serverName !== partner.name) return refuse(`'${args.serverName}' is not this server's partner (${partner.name})`);
      if (partner.role !== 'primary') return refuse(`only the primary pushes its config, and ${partner.name} is the ${partner.role}`);
      const got = hashSharedConfig(args.config);
      if (got !== args.configHash) return refuse(`config-hash ${args.configHash} does not match the pushed config (${got})`);
      if (hash !== null && hash === args.configHash) return { ok: true, text: 'The shared config is already in force.', configHash: hash };
      if (o.applyConfig === undefined) return refuse('this server cannot apply pushed configs');
      const merged = mergeSharedConfig(o.configJson(), args.config);
      if (!merged.ok) return refuse(merged.reason);
      const outcome = await o.applyConfig(merged.json);
      if (!outcome.ok) return refuse(`configuration refused: ${outcome.reasons.join('; ')}`);
      // The runtime's reload path calls changed(); make sure of it even if it did not.
      hash = sharedConfigHash(o.configJson());
      log.log('HA_CONFIG_RECEIVED', { server: me.name, from: args.serverName, 'config-hash': hash, applied: true },
        `${me.name}: shared config ${hash.slice(0, 12)} from ${args.serverName} applied (local settings kept)`);
      return { ok: hash === args.configHash, text: hash === args.configHash
        ? 'Shared config applied.' : `Shared config applied, but the merged config hashes to ${hash}`, configHash: hash };
    },
    status: () => ({
      'partner-config-hash': partnerHash,
      'config-push': { status: pushStatus, text: pushText },
    }),
    idle: async () => { await pushing; },
  };
}
