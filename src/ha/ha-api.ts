import type { Ip4 } from '../util/index.ts';
import type { Lease4 } from '../model/index.ts';
import type { ConfigPushArgs } from './commands.ts';

/** A lease change received from the partner (lease4-update, lease4-del, lease4-bulk-apply). */
export type PartnerLeaseChange =
  | { readonly kind: 'update'; readonly lease: Lease4 }
  | { readonly kind: 'delete'; readonly address: Ip4 };

/** A partner change not applied: why, and whether it clashes with a lease of another client (result 4). */
export type PartnerChangeFailure = { readonly address: Ip4; readonly reason: string; readonly conflict: boolean };

/**
 * What the control layer needs from a running HA service (runtime passes it through ServerApi.ha).
 * The partner speaks to this server only through these, via Kea-shaped commands on the HA listener.
 */
export interface HaApi {
  /** The answer to ha-heartbeat: Kea's arguments (state, date-time, scopes, unsent-update-count) plus tandem's config-hash. */
  heartbeat(): Record<string, unknown>;
  /**
   * Applies leases the partner granted, deleted or holds (updates, sync pages): each written to the
   * store unless the stored lease is newer (higher cltt), and never sent back to the partner.
   */
  applyPartnerLeases(changes: readonly PartnerLeaseChange[]): Promise<{ readonly failed: readonly PartnerChangeFailure[] }>;
  /** ha-sync-complete-notify: the partner finished syncing from us. */
  syncCompleteNotify(origin: string | null): void;
  /** ha-reset: go back to waiting (and resync). */
  reset(): void;
  /** ha-maintenance-start / -cancel (operator, on this server) and -notify (from the partner). */
  maintenanceStart(): Promise<{ readonly ok: boolean; readonly text: string }>;
  maintenanceCancel(): Promise<{ readonly ok: boolean; readonly text: string }>;
  maintenanceNotify(cancel: boolean): { readonly ok: boolean; readonly text: string };
  /** ha-continue: resume a paused state machine / leave terminated once clocks agree. */
  continue(): { readonly ok: boolean; readonly text: string };
  /** ha-scopes: serve these scopes (server names) from now on. */
  setScopes(scopes: readonly string[]): { readonly ok: boolean; readonly text: string };
  /** ha-sync: fetch the partner's leases now (paged). */
  sync(): Promise<{ readonly ok: boolean; readonly text: string; readonly leases: number }>;
  /** Operator command: enter partner-down now (tandem's `ha-partner-down`, Windows' "change to partner down"). */
  partnerDown(): { readonly ok: boolean; readonly text: string };
  /**
   * ha-config-push from the primary: its shared config, merged into this server's own (name,
   * interfaces, sockets kept) and applied atomically, or refused with the reasons.
   */
  configPush(args: ConfigPushArgs): Promise<{ readonly ok: boolean; readonly text: string; readonly configHash: string | null }>;
  /** The `high-availability` part of status-get (Kea's shape plus tandem's fields). */
  status(): Record<string, unknown>;
}
