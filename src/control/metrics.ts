import { formatIp4 } from '../util/index.ts';
import { DROP_REASONS4 } from '../dhcp4/index.ts';
import type { HistogramSnapshot } from '../obs/index.ts';
import type { ServerApi } from './types.ts';

/** What the metrics page reads besides the ServerApi. */
export type MetricsSources = {
  /** Lease store write latency (runtime wraps the store to measure it), if measured. */
  readonly storeWrites?: () => HistogramSnapshot;
};

/** Message types by the name the statistic uses (`pkt4-<type>-received`), as Kea names them. */
const RECEIVED_TYPES = ['discover', 'offer', 'request', 'decline', 'ack', 'nak', 'release', 'inform', 'unknown'] as const;
const SENT_TYPES = ['offer', 'ack', 'nak'] as const;

type Family = { name: string; help: string; type: 'gauge' | 'counter' | 'histogram'; samples: string[] };

/**
 * The Prometheus text exposition (version 0.0.4) of a running server: process state, per-subnet
 * address counts, packet counters and the lease store write latency. docs/metrics.md lists every metric.
 */
export function renderMetrics(api: ServerApi, sources: MetricsSources = {}): string {
  const stat = (name: string) => api.stats.get(name);
  const families: Family[] = [];
  const family = (name: string, type: Family['type'], help: string): string[] => {
    const samples: string[] = [];
    families.push({ name, help, type, samples });
    return samples;
  };

  family('tandem_up', 'gauge', 'Always 1 while the server answers.').push(sample('tandem_up', {}, 1));
  family('tandem_serving', 'gauge', '1 when DHCP service is enabled, 0 after dhcp-disable.')
    .push(sample('tandem_serving', {}, api.serving() ? 1 : 0));
  family('tandem_start_time_seconds', 'gauge', 'When the server started, in seconds since the epoch.')
    .push(sample('tandem_start_time_seconds', {}, api.startedAt));
  family('tandem_config_load_time_seconds', 'gauge', 'When the configuration in force was loaded, in seconds since the epoch.')
    .push(sample('tandem_config_load_time_seconds', {}, api.lastConfigAt()));
  family('tandem_info', 'gauge', 'Build information; the value is always 1.')
    .push(sample('tandem_info', { version: api.version }, 1));

  const subnets = api.config().subnets;
  const total = family('tandem_subnet_addresses_total', 'gauge', 'Addresses the subnet\'s pools can hand out (Kea subnet[ID].total-addresses).');
  const assigned = family('tandem_subnet_addresses_assigned', 'gauge', 'Addresses leased to clients now (Kea subnet[ID].assigned-addresses).');
  const declined = family('tandem_subnet_addresses_declined', 'gauge', 'Addresses declined by clients and in probation (Kea subnet[ID].declined-addresses).');
  const free = family('tandem_subnet_addresses_free', 'gauge', 'Pool addresses with no lease that the allocator may hand out.');
  for (const s of subnets) {
    const labels = { subnet_id: String(s.id), subnet: `${formatIp4(s.network)}/${s.prefixLength}` };
    total.push(sample('tandem_subnet_addresses_total', labels, stat(`subnet[${s.id}].total-addresses`)));
    assigned.push(sample('tandem_subnet_addresses_assigned', labels, stat(`subnet[${s.id}].assigned-addresses`)));
    declined.push(sample('tandem_subnet_addresses_declined', labels, stat(`subnet[${s.id}].declined-addresses`)));
    free.push(sample('tandem_subnet_addresses_free', labels, api.poolCounts(s.id).free));
  }

  const received = family('tandem_packets_received_total', 'counter', 'DHCPv4 messages received, by message type (packets that did not decode are counted in tandem_packets_parse_failed_total).');
  for (const t of RECEIVED_TYPES) received.push(sample('tandem_packets_received_total', { type: t }, stat(`pkt4-${t}-received`)));
  const sent = family('tandem_packets_sent_total', 'counter', 'DHCPv4 replies sent, by message type.');
  for (const t of SENT_TYPES) sent.push(sample('tandem_packets_sent_total', { type: t }, stat(`pkt4-${t}-sent`)));
  const dropped = family('tandem_packets_dropped_total', 'counter', 'DHCPv4 packets received and not answered, by reason.');
  const reasons = new Set<string>(DROP_REASONS4);
  for (const key of Object.keys(api.stats.snapshot())) {
    if (key.startsWith('pkt4-receive-drop.')) reasons.add(key.slice('pkt4-receive-drop.'.length));
  }
  for (const r of [...reasons].sort()) dropped.push(sample('tandem_packets_dropped_total', { reason: r }, stat(`pkt4-receive-drop.${r}`)));
  family('tandem_packets_parse_failed_total', 'counter', 'Packets that were not valid DHCPv4 messages.')
    .push(sample('tandem_packets_parse_failed_total', {}, stat('pkt4-parse-failed')));
  family('tandem_packets_send_failed_total', 'counter', 'Replies that could not be sent.')
    .push(sample('tandem_packets_send_failed_total', {}, stat('pkt4-send-fail')));

  if (sources.storeWrites !== undefined) {
    const h = sources.storeWrites();
    const name = 'tandem_lease_store_write_seconds';
    const samples = family(name, 'histogram', 'Time for a lease write (insert, update, remove) to become durable.');
    for (const b of h.buckets) samples.push(sample(`${name}_bucket`, { le: String(b.le) }, b.count));
    samples.push(sample(`${name}_bucket`, { le: '+Inf' }, h.count), sample(`${name}_sum`, {}, h.sum), sample(`${name}_count`, {}, h.count));
  }

  let text = '';
  for (const f of families) {
    text += `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) text += s + '\n';
  }
  return text;
}

function sample(name: string, labels: Record<string, string>, value: number): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return `${name}${parts.length > 0 ? `{${parts.join(',')}}` : ''} ${formatValue(value)}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
