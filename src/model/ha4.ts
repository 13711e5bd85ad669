/**
 * One high-availability relationship between two tandem servers (Kea's `high-availability[0]`),
 * validated and with every default filled in. Times carry their unit in the name: Kea's keys are
 * milliseconds, tandem's additions (mclt, state-switchover-interval, clock-skew-*) are seconds.
 */
export type HaMode = 'hot-standby' | 'load-balancing';
export type HaRole = 'primary' | 'secondary' | 'standby' | 'backup';

/** Client TLS towards a peer (or, at relationship level, this server's own listener). Paths are absolute. */
export type HaTls = { readonly trustAnchor: string; readonly certFile: string; readonly keyFile: string };

export type HaPeer = {
  readonly name: string;
  /** `http(s)://<IP literal>:<port>/`, as written (checked: IP literal host, explicit port). */
  readonly url: string;
  readonly role: HaRole;
  /** Kea's `auto-failover`: false = in partner-down this server still serves only its own scope. */
  readonly autoFailover: boolean;
  readonly basicAuthUser: string | null;
  readonly basicAuthPassword: string | null;
  /** The TLS trio in effect for this peer (its own, else the relationship's), or null (plain http). */
  readonly tls?: HaTls | null;
};

export type HaConfig = {
  readonly thisServerName: string;
  readonly mode: HaMode;
  readonly peers: readonly HaPeer[];
  readonly heartbeatDelayMs: number;        // 10000
  readonly maxResponseDelayMs: number;      // 60000
  readonly maxAckDelayMs: number;           // 10000
  readonly maxUnackedClients: number;       // 10
  readonly maxRejectedLeaseUpdates: number; // 10
  readonly delayedUpdatesLimit: number;     // 100 in load-balancing, 0 otherwise (Kea)
  readonly syncPageLimit: number;           // 10000
  readonly syncTimeoutMs: number;           // 60000
  readonly sendLeaseUpdates: boolean;
  readonly syncLeases: boolean;
  readonly mcltSec: number;                 // tandem: default 3600 (Windows' and dhcpd's usual MCLT)
  readonly reservePercent: number;          // tandem: hot-standby, default 5
  readonly loadBalancePercent: number;      // tandem: primary's share, default 50
  readonly stateSwitchoverIntervalSec: number | null; // tandem: automatic partner-down; null = off
  readonly sharedSecret: string | null;     // tandem: HMAC key for partner messages
  readonly clockSkewWarnSec: number;        // 30
  readonly clockSkewTerminateSec: number;   // 60
  /** Relationship-level TLS trio (Kea: the default for every peer and this server's listener). */
  readonly tls?: HaTls | null;
  /** Kea's `require-client-certs` (default true; only meaningful with TLS). */
  readonly requireClientCerts?: boolean;
  /** Kea's `restrict-commands` (default false, as in Kea 2.2). */
  readonly restrictCommands?: boolean;
};
