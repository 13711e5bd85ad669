import type { Ip4 } from '../util/index.ts';
import type { HaConfig } from './ha4.ts';

/** An option value ready for the wire: its code and payload, encoded once at config time. */
export type OptionValue4 = {
  readonly code: number;
  readonly data: Uint8Array;
  /** Send even when the client did not ask for it in option 55 (Kea's `always-send`). */
  readonly alwaysSend: boolean;
};

/** Options keyed by code. Later levels override earlier ones: global → subnet → pool → reservation. */
export type OptionSet4 = ReadonlyMap<number, OptionValue4>;

export type Pool4 = {
  readonly first: Ip4;
  readonly last: Ip4;
  readonly options: OptionSet4;
};

export type Reservation4 = {
  /** Exactly one identifier is set. */
  readonly hwAddress: string | null;
  readonly clientId: string | null;
  readonly address: Ip4 | null;
  readonly hostname: string;
  readonly options: OptionSet4;
};

export type Lifetime = { readonly default: number; readonly min: number; readonly max: number };

export type Subnet4 = {
  readonly id: number;
  readonly network: Ip4;
  readonly prefixLength: number;
  readonly pools: readonly Pool4[];
  /** Relay addresses (giaddr) that select this subnet, besides giaddr inside the subnet itself. */
  readonly relayAddresses: readonly Ip4[];
  /** Interface name this subnet is served on when directly attached (Kea's `interface`), or null. */
  readonly interface: string | null;
  readonly reservations: readonly Reservation4[];
  /** Subnet-level options, with global options already merged under them. */
  readonly options: OptionSet4;
  /** Inclusive ranges never handed out (tandem's addition, Windows' exclusion ranges). */
  readonly exclusions: readonly (readonly [Ip4, Ip4])[];
  readonly validLifetime: Lifetime;
  /** T1 and T2 in seconds, or null to use 50 % / 87.5 % of the lease time. */
  readonly renewTimer: number | null;
  readonly rebindTimer: number | null;
  readonly authoritative: boolean;
  readonly matchClientId: boolean;
  /** Windows' "subnet delay": wait this long before sending an OFFER. */
  readonly offerDelayMs: number;
};

export type InterfaceSpec = {
  /** Interface name, or '*' for every interface with an IPv4 address. */
  readonly name: string;
  /** The address to use on that interface (Kea's `eth0/192.0.2.1` form), or null for its first one. */
  readonly address: Ip4 | null;
};

export type LeaseDatabase = {
  readonly type: 'memfile';
  readonly persist: boolean;
  /** Journal file path; resolved against the data directory when relative. */
  readonly name: string;
  /** Seconds between journal compactions (Kea's LFC); 0 disables it. */
  readonly lfcInterval: number;
};

export type ExpiredLeasesProcessing = {
  readonly reclaimTimerWaitTime: number;
  readonly flushReclaimedTimerWaitTime: number;
  readonly holdReclaimedTime: number;
  readonly maxReclaimLeases: number;
  readonly maxReclaimTime: number;
  readonly unwarnedReclaimCycles: number;
};

/** HTTP Basic credentials for one control API client (Kea's `authentication.clients[]`). */
export type ControlClient = { readonly user: string; readonly password: string };

/** TLS settings of an https control socket; paths are absolute. */
export type ControlTls = {
  readonly certFile: string;
  readonly keyFile: string;
  /** CA bundle that client certificates must chain to, or null (no client certificates asked for). */
  readonly trustAnchor: string | null;
  /** Refuse clients without a certificate signed by `trustAnchor` (Kea's `cert-required`). */
  readonly certRequired: boolean;
};

/** One control API listener (Kea's `control-socket` / `control-sockets` entries). */
export type ControlSocketSpec =
  | { readonly type: 'unix'; readonly path: string }
  | {
    readonly type: 'http' | 'https';
    readonly address: string;
    /** 0 picks a free port (for tests). */
    readonly port: number;
    /** Basic authentication, or null when the listener accepts anyone who can reach it. */
    readonly auth: { readonly realm: string; readonly clients: readonly ControlClient[] } | null;
    /** Set exactly when `type` is 'https'. */
    readonly tls: ControlTls | null;
  };

/** The whole validated DHCPv4 configuration, deeply frozen. */
export type Config4 = {
  readonly interfaces: readonly InterfaceSpec[];
  readonly leaseDatabase: LeaseDatabase;
  readonly subnets: readonly Subnet4[];
  readonly declineProbationPeriod: number;
  readonly expiredLeasesProcessing: ExpiredLeasesProcessing;
  /** Control API listeners; by default one Unix socket beside the lease file. */
  readonly controlSockets: readonly ControlSocketSpec[];
  /** The high-availability relationship, or null when this server runs alone. */
  readonly ha: HaConfig | null;
  /** The file the snapshot was read from, if any (for messages and reload). */
  readonly source: string | null;
};
