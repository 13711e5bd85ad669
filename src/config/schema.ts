import { didYouMean } from './did-you-mean.ts';
import type { ObjectReader } from './reader.ts';

/**
 * Which keys each section of `kea-dhcp4.conf` may hold, in three groups:
 * - `supported`: read by tandem (some are accepted without effect; docs/config.md says which);
 * - `ignored`: Kea keys that do not change what clients get; accepted with a warning;
 * - `refused`: Kea keys that would change behaviour and that tandem does not implement yet.
 * Anything else is an unknown key, reported with the closest known one.
 */
export type KeyTable = {
  readonly supported: readonly string[];
  readonly ignored: readonly string[];
  readonly refused: readonly string[];
};

const ANNOTATIONS = ['user-context', 'comment'] as const;
const LIFETIMES = ['valid-lifetime', 'min-valid-lifetime', 'max-valid-lifetime', 'renew-timer', 'rebind-timer'] as const;
const SHARED_SCOPE = [
  ...LIFETIMES, 'authoritative', 'match-client-id', 'option-data', 'calculate-tee-times', 't1-percent', 't2-percent',
  'reservations-global', 'reservations-in-subnet', 'reservations-out-of-pool', 'reservation-mode', 'offer-delay-ms',
] as const;
const DDNS_KEYS = [
  'ddns-send-updates', 'ddns-override-no-update', 'ddns-override-client-update', 'ddns-replace-client-name',
  'ddns-generated-prefix', 'ddns-qualifying-suffix', 'ddns-update-on-renew', 'ddns-use-conflict-resolution',
  'hostname-char-set', 'hostname-char-replacement',
] as const;
const BOOT_KEYS = ['next-server', 'server-hostname', 'boot-file-name'] as const;

export const TOP_KEYS: KeyTable = {
  supported: ['Dhcp4'],
  ignored: ['Dhcp6', 'DhcpDdns', 'Control-agent', 'Logging', 'Netconf'],
  refused: [],
};

export const DHCP4_KEYS: KeyTable = {
  supported: [
    ...ANNOTATIONS, ...SHARED_SCOPE, 'interfaces-config', 'lease-database', 'subnet4', 'decline-probation-period',
    'expired-leases-processing', 'dhcp-ddns', 'control-socket', 'control-sockets', 'hooks-libraries',
    'high-availability',
  ],
  ignored: [
    'loggers', 'multi-threading', 'dhcp-queue-control', 'sanity-checks',
    'server-tag', 'host-reservation-identifiers', 'statistic-default-sample-count',
    'statistic-default-sample-age', 'parked-packet-limit', 'dhcp4o6-port', 'store-extended-info',
    'early-global-reservations-lookup', 'reservations-lookup-first', 'ip-reservations-unique', ...DDNS_KEYS,
  ],
  refused: [
    'shared-networks', 'client-classes', 'option-def', ...BOOT_KEYS, 'hosts-database', 'hosts-databases',
    'reservations', 'echo-client-id', 'config-control', 'cache-threshold', 'cache-max-age', 'compatibility',
  ],
};

export const INTERFACES_KEYS: KeyTable = {
  supported: [
    ...ANNOTATIONS, 'interfaces', 'dhcp-socket-type', 're-detect', 'service-sockets-require-all',
    'service-sockets-max-retries', 'service-sockets-retry-wait-time',
  ],
  ignored: [],
  refused: ['outbound-interface'],
};

export const SQL_DATABASE_KEYS = [
  'host', 'port', 'user', 'password', 'readonly', 'connect-timeout', 'read-timeout', 'write-timeout',
  'tcp-user-timeout', 'max-reconnect-tries', 'reconnect-wait-time', 'on-fail', 'trust-anchor', 'cert-file',
  'key-file', 'cipher-list',
] as const;

export const LEASE_DATABASE_KEYS: KeyTable = {
  supported: [...ANNOTATIONS, 'type', 'persist', 'name', 'lfc-interval', 'max-row-errors'],
  ignored: [...SQL_DATABASE_KEYS],
  refused: [],
};

export const EXPIRED_KEYS: KeyTable = {
  supported: [
    ...ANNOTATIONS, 'reclaim-timer-wait-time', 'flush-reclaimed-timer-wait-time', 'hold-reclaimed-time',
    'max-reclaim-leases', 'max-reclaim-time', 'unwarned-reclaim-cycles',
  ],
  ignored: [],
  refused: [],
};

export const SUBNET_KEYS: KeyTable = {
  supported: [...ANNOTATIONS, ...SHARED_SCOPE, 'id', 'subnet', 'pools', 'relay', 'interface', 'reservations', 'exclusions'],
  ignored: ['store-extended-info', ...DDNS_KEYS],
  refused: [
    ...BOOT_KEYS, 'client-class', 'require-client-classes', '4o6-interface', '4o6-interface-id', '4o6-subnet',
    'cache-threshold', 'cache-max-age',
  ],
};

export const POOL_KEYS: KeyTable = {
  supported: [...ANNOTATIONS, 'pool', 'option-data'],
  ignored: [],
  refused: ['client-class', 'require-client-classes'],
};

export const RESERVATION_KEYS: KeyTable = {
  supported: [...ANNOTATIONS, 'hw-address', 'client-id', 'ip-address', 'hostname', 'option-data'],
  ignored: [],
  refused: [...BOOT_KEYS, 'client-classes'],
};

export const OPTION_DATA_KEYS: KeyTable = {
  supported: [...ANNOTATIONS, 'name', 'code', 'data', 'csv-format', 'always-send', 'space'],
  ignored: [],
  refused: ['never-send'],
};

export const CONTROL_SOCKET_KEYS: KeyTable = {
  supported: [
    ...ANNOTATIONS, 'socket-type', 'socket-name', 'socket-address', 'socket-port', 'authentication',
    'trust-anchor', 'cert-file', 'key-file', 'cert-required',
  ],
  ignored: ['http-headers'],
  refused: [],
};

export const AUTHENTICATION_KEYS: KeyTable = {
  supported: [...ANNOTATIONS, 'type', 'realm', 'directory', 'clients'],
  ignored: [],
  refused: [],
};

export const AUTH_CLIENT_KEYS: KeyTable = {
  supported: [...ANNOTATIONS, 'user', 'password', 'user-file', 'password-file'],
  ignored: [],
  refused: [],
};

export const RELAY_KEYS: KeyTable = {
  supported: ['ip-addresses', 'ip-address'],
  ignored: [],
  refused: [],
};

export const HOOK_LIBRARY_KEYS: KeyTable = {
  supported: [...ANNOTATIONS, 'library', 'parameters'],
  ignored: [],
  refused: [],
};

/** One `high-availability` relationship: Kea's keys, then tandem's additions. */
export const HA_KEYS: KeyTable = {
  supported: [
    ...ANNOTATIONS, 'this-server-name', 'mode', 'heartbeat-delay', 'max-response-delay', 'max-ack-delay',
    'max-unacked-clients', 'max-rejected-lease-updates', 'delayed-updates-limit', 'send-lease-updates',
    'sync-leases', 'sync-timeout', 'sync-page-limit', 'wait-backup-ack', 'multi-threading', 'state-machine',
    'require-client-certs', 'restrict-commands', 'trust-anchor', 'cert-file', 'key-file', 'peers',
    'mclt', 'reserve-percent', 'load-balance-percent', 'state-switchover-interval', 'shared-secret',
    'shared-secret-file', 'clock-skew-warn', 'clock-skew-terminate',
  ],
  ignored: [],
  refused: [],
};

export const HA_PEER_KEYS: KeyTable = {
  supported: [
    ...ANNOTATIONS, 'name', 'url', 'role', 'auto-failover', 'basic-auth-user', 'basic-auth-password',
    'basic-auth-password-file', 'trust-anchor', 'cert-file', 'key-file',
  ],
  ignored: [],
  refused: ['basic-auth-user-file'],
};

/** Keys handled elsewhere with their own message (e.g. duid reservations) are passed in `skip`. */
export function checkKeys(r: ObjectReader, table: KeyTable, skip: readonly string[] = []): void {
  for (const key of Object.keys(r.obj)) {
    if (table.supported.includes(key) || skip.includes(key)) continue;
    const path = r.at(key);
    if (table.ignored.includes(key)) {
      r.c.warn(path, `'${key}' is ignored by tandem`, 'key');
    } else if (table.refused.includes(key)) {
      r.c.error(path, `'${key}' is supported by Kea but not yet by tandem`, 'key');
    } else {
      const near = didYouMean(key, [...table.supported, ...table.ignored, ...table.refused]);
      r.c.error(path, `unknown key '${key}'${near !== null ? ` (did you mean '${near}'?)` : ''}`, 'key');
    }
  }
}
