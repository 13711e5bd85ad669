import type { Clock } from '../util/index.ts';
import type { Config4 } from '../model/index.ts';
import type { LeaseStore } from '../store/index.ts';
import type { AllocEngine4 } from '../alloc/index.ts';
import type { Logger } from '../obs/index.ts';
import { createHaService, createPartnerClient, sharedConfigHash } from '../ha/index.ts';
import type { ApplyConfigOutcome } from '../ha/index.ts';
import type { HaService } from '../ha/index.ts';
import type { ConfigIssue } from '../config/index.ts';
import { formatConfigIssue } from '../config/index.ts';

export type HaWiringDeps = {
  readonly store: LeaseStore;
  readonly engine: AllocEngine4;
  readonly clock: Clock;
  readonly log: Logger;
  /** dhcp-enable asked by the partner when it finished syncing from us. */
  readonly setServing: (enabled: boolean, origin: string) => void;
  /** The config in force as JSON, and config-set (validate, apply atomically): for ha-config-push. */
  readonly configJson: () => unknown;
  readonly setConfig: (json: unknown) => Promise<{ readonly ok: true } | { readonly ok: false; readonly issues: readonly ConfigIssue[] }>;
};

/**
 * The HA service of a server whose config has a high-availability relationship; null without one
 * (then nothing of HA is installed and the server behaves exactly as before). The service's split
 * of free addresses is installed on the engine here; its exchange hooks go to the processor.
 */
export function createHaWiring(config: Config4, configJson: unknown, deps: HaWiringDeps): HaService | null {
  const ha = config.ha;
  if (ha === null) return null;
  const peer = ha.peers.find((p) => p.name !== ha.thisServerName && p.role !== 'backup');
  if (peer === undefined) return null;
  const partner = createPartnerClient({ peer, sharedSecret: ha.sharedSecret, clock: deps.clock });
  const service = createHaService({
    ha, subnets: config.subnets, store: deps.store, clock: deps.clock, log: deps.log, partner,
    configHash: sharedConfigHash(configJson), setServing: deps.setServing,
    configJson: deps.configJson,
    applyConfig: async (json): Promise<ApplyConfigOutcome> => {
      const r = await deps.setConfig(json);
      return r.ok ? { ok: true } : { ok: false, reasons: r.issues.filter((i) => i.severity === 'error').map(formatConfigIssue) };
    },
  });
  deps.engine.setAddressPolicy(service.addressPolicy);
  return service;
}

/**
 * A reload keeps the running relationship: its settings take effect only after a restart (a change
 * here would leave the two partners disagreeing mid-flight); the address split follows the new pools.
 */
export function haReloadIssue(running: Config4, next: Config4): ConfigIssue | null {
  if (JSON.stringify(running.ha) === JSON.stringify(next.ha)) return null;
  return { path: 'Dhcp4.high-availability', severity: 'error', message: 'high-availability settings take effect only after a restart' };
}
