import type { Config4 } from '../model/index.ts';
import type { ConfigIssue } from '../config/index.ts';
import type { LeaseStore } from '../store/index.ts';
import type { Stats } from '../obs/index.ts';
import type { HaApi } from '../ha/index.ts';

/** Kea's command shape: `{"command": …, "arguments": {…}}` (`service` is accepted, as Kea's agent takes it). */
export type ControlRequest = {
  readonly command: string;
  readonly arguments?: unknown;
  readonly service?: readonly string[];
};

/** Kea's result codes. */
export const ControlResult = { SUCCESS: 0, ERROR: 1, UNSUPPORTED: 2, EMPTY: 3, CONFLICT: 4 } as const;
export type ControlResultCode = (typeof ControlResult)[keyof typeof ControlResult];

/** One response, as Kea sends it over its Unix socket; HTTP wraps it in a one-element array. */
export type ControlResponse = {
  readonly result: ControlResultCode;
  readonly text: string;
  readonly arguments?: Record<string, unknown>;
};

/** Who is asking, for logs and for commands restricted by transport. */
export type CallContext = {
  readonly via: 'http' | 'https' | 'unix' | 'internal';
  readonly user: string | null;
  readonly remote: string | null;
};

export type ConfigOutcome = { readonly ok: true } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/**
 * What the control layer needs from a running server; runtime/ implements it. Lease commands go
 * through `store` (compare-and-set, durable, seen by the allocator through the change stream);
 * config commands (including reservation-add/-del, which edit the config JSON) through `setConfig`,
 * which validates and swaps atomically or changes nothing.
 */
export interface ServerApi {
  readonly version: string;
  /** Epoch seconds when the server started, and when its config was last (re)loaded. */
  readonly startedAt: number;
  lastConfigAt(): number;
  readonly store: LeaseStore;
  readonly stats: Stats;
  config(): Config4;
  /** The config in force as JSON (`{"Dhcp4": {…}}`): as read from the file, or as last set. */
  configJson(): unknown;
  /** The file the config was read from. */
  configPath(): string;
  testConfig(json: unknown): ConfigOutcome;
  setConfig(json: unknown): Promise<ConfigOutcome>;
  reloadConfig(): Promise<ConfigOutcome>;
  /** Writes the config in force (default: over the file it came from); returns where and how big. */
  writeConfig(path?: string): Promise<{ path: string; size: number }>;
  /** dhcp-disable/-enable: while disabled, DHCP packets are dropped (counted as `disabled`). */
  setServing(enabled: boolean, options?: { maxPeriodSec?: number; origin?: string }): void;
  serving(): boolean;
  /** leases-reclaim: one reclamation cycle now; with `remove`, reclaimed leases are deleted too. */
  reclaimLeases(remove: boolean): Promise<{ reclaimed: number; removed: number }>;
  /** Addresses the subnet's pools can hand out dynamically, and how many look free. */
  poolCounts(subnetId: number): { total: number; free: number };
  /** Stops the server (Kea's `shutdown`). */
  shutdown(): void;
  /** The HA service, when the config has a high-availability relationship. */
  readonly ha?: HaApi | null;
}
