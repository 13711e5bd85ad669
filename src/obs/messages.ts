/**
 * The catalogue of log event IDs (Kea's style: <AREA>_<EVENT>, Kea's own ID where the meaning is the
 * same). Every log call names one of these; docs/messages.md lists them.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export const MESSAGES = {
  DHCP4_STARTED: { level: 'info', text: 'tandem DHCPv4 server started' },
  DHCP4_SHUTDOWN: { level: 'info', text: 'DHCPv4 server shut down' },
  DHCP4_SHUTDOWN_REQUEST: { level: 'info', text: 'shutdown requested; draining in-flight work' },
  DHCP4_CONFIG_WARNING: { level: 'warn', text: 'configuration warning' },
  DHCP4_CONFIG_RELOADED: { level: 'info', text: 'configuration reloaded' },
  DHCP4_CONFIG_RELOAD_FAIL: { level: 'error', text: 'configuration reload refused; the running configuration is kept' },
  DHCP4_SERVICE_DISABLED: { level: 'warn', text: 'DHCP service disabled by command; packets are dropped' },
  DHCP4_SERVICE_ENABLED: { level: 'info', text: 'DHCP service enabled' },
  DHCP4_PACKET: { level: 'info', text: 'DHCP message' },
  DHCP4_PACKET_DROP: { level: 'debug', text: 'packet dropped' },
  DHCP4_PACKET_PARSE_FAIL: { level: 'debug', text: 'malformed packet dropped' },
  DHCP4_PACKET_PROCESSING_FAILED: { level: 'error', text: 'packet processing failed' },
  DHCP4_PACKET_SEND_FAIL: { level: 'warn', text: 'failed to send reply' },
  ALLOC_POOL_EXHAUSTED: { level: 'warn', text: 'no free address in the subnet' },
  ALLOC_RESERVATION_CONFLICT: { level: 'warn', text: 'reserved address is leased to another client' },
  ALLOC_LEASE_DECLINED: { level: 'warn', text: 'address declined by client; in probation' },
  ALLOC_LEASE_WRITE_FAILED: { level: 'error', text: 'lease could not be made durable; no reply sent' },
  ALLOC_RECLAIM_FAILED: { level: 'error', text: 'lease reclamation failed; it is retried at the next cycle' },
  ALLOC_LEASES_RECLAIMED: { level: 'info', text: 'expired leases reclaimed' },
  HA_SERVICE_STARTED: { level: 'info', text: 'HA service started' },
  HA_SERVICE_ERROR: { level: 'error', text: 'HA service error' },
  HA_SYNC_COMPLETE: { level: 'info', text: 'lease sync with the partner complete' },
  HA_SYNC_FAILED: { level: 'warn', text: 'lease sync with the partner failed; it is retried' },
  HA_LEASE_UPDATES_FAILED: { level: 'warn', text: 'lease updates could not be sent to the partner' },
  HA_LEASE_UPDATE_REJECTED: { level: 'warn', text: 'the partner rejected a lease update' },
  HA_STATE_TRANSITION: { level: 'info', text: 'HA state transition' },
  HA_CLOCK_SKEW: { level: 'warn', text: 'clock skew between HA partners' },
  HA_CONFIG_MISMATCH: { level: 'warn', text: 'the HA partners run different shared configurations' },
  HA_CONFIG_PUSHED: { level: 'info', text: "the primary pushed its shared configuration to the partner (ok: applied there; else refused, with the partner's reasons)" },
  HA_CONFIG_RECEIVED: { level: 'info', text: "the primary's shared configuration was received: merged with this server's own settings and applied, or refused with the reason" },
  STORE_JOURNAL_TORN_TAIL: { level: 'warn', text: 'lease journal ended in a torn record; it was ignored' },
  STORE_JOURNAL_BAD_RECORD: { level: 'warn', text: 'bad record in lease journal skipped' },
  STORE_JOURNAL_WRITE_FAILED: { level: 'error', text: 'lease journal write failed' },
  STORE_JOURNAL_COMPACTED: { level: 'info', text: 'lease journal compacted' },
  STORE_JOURNAL_LOADED: { level: 'info', text: 'lease journal replayed' },
  STORE_JOURNAL_COMPACTION_FAILED: { level: 'error', text: 'lease journal compaction failed; the old journal is kept' },
  STORE_JOURNAL_STALE_LOCK: { level: 'warn', text: 'stale lease journal lock from a dead process taken over' },
  STORE_LISTENER_FAILED: { level: 'error', text: 'a lease change listener failed' },
  TRANSPORT_LINK_CHANGED: { level: 'info', text: 'interface address changed' },
  TRANSPORT_ARP_FAILED: { level: 'warn', text: 'could not add ARP entry for a unicast reply; broadcasting instead' },
  TRANSPORT_SEND_FALLBACK: { level: 'debug', text: 'reply broadcast instead of unicast' },
  TRANSPORT_LINK_UP: { level: 'info', text: 'listening on interface' },
  TRANSPORT_LINK_DOWN: { level: 'warn', text: 'interface gone; socket closed' },
  TRANSPORT_LINK_WAITING: { level: 'warn', text: 'configured interface not present yet' },
  TRANSPORT_SOCKET_FAILED: { level: 'error', text: 'could not open socket' },
  CTRL_COMMAND_RECEIVED: { level: 'debug', text: 'control command received' },
  CTRL_COMMAND_FAILED: { level: 'warn', text: 'control command failed' },
  CTRL_LISTENING: { level: 'info', text: 'control API listening' },
  CTRL_LISTENER_CLOSED: { level: 'info', text: 'control API listener closed' },
  CTRL_LISTENER_FAILED: { level: 'error', text: 'control API listener could not start or failed' },
  CTRL_AUTH_FAILED: { level: 'warn', text: 'control API request refused: missing or wrong credentials' },
  CTRL_REQUEST_REFUSED: { level: 'info', text: 'control API request refused before reaching a command' },
} as const satisfies Record<string, { level: Level; text: string }>;

export type MessageId = keyof typeof MESSAGES;

export function messageLevel(id: string): Level {
  return (MESSAGES as Record<string, { level: Level }>)[id]?.level ?? 'info';
}
