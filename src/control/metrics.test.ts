import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistogram, createStats } from '../obs/index.ts';
import { renderMetrics } from './metrics.ts';
import { stubApi } from './listeners/test-support.ts';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** A small parser for the Prometheus text format: every line is HELP, TYPE or a well-formed sample. */
function parse(text: string): { samples: Sample[]; types: Map<string, string>; helps: Set<string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line);
    if (m !== null) { helps.add(m[1]!); continue; }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line);
    if (m !== null) { types.set(m[1]!, m[2]!); continue; }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m !== null, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const part of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[part[1]!] = part[2]!;
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value), line);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, types, helps };
}

describe('renderMetrics', () => {
  const stats = createStats();
  stats.set('subnet[1].total-addresses', 100);
  stats.set('subnet[1].assigned-addresses', 12);
  stats.set('subnet[1].declined-addresses', 2);
  stats.set('subnet[7].total-addresses', 5);
  stats.add('pkt4-discover-received', 30);
  stats.add('pkt4-request-received', 20);
  stats.add('pkt4-offer-sent', 29);
  stats.add('pkt4-ack-sent', 19);
  stats.add('pkt4-receive-drop.no-subnet', 3);
  stats.add('pkt4-receive-drop.some-new-reason', 1);
  stats.add('pkt4-parse-failed', 4);
  const api = stubApi([{ id: 1, network: 0x0a000000, prefixLength: 24 }, { id: 7, network: 0xc0a80100, prefixLength: 25 }], stats);
  const writes = createHistogram();
  for (const v of [0.0001, 0.0007, 0.003, 2]) writes.observe(v);
  const { samples, types, helps } = parse(renderMetrics(api, { storeWrites: () => writes.snapshot() }));
  const value = (name: string, labels: Record<string, string> = {}) => {
    const s = samples.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    assert.equal(s.length, 1, `${name} ${JSON.stringify(labels)}: ${s.length} samples`);
    return s[0]!.value;
  };

  it('parses, and every family has HELP and TYPE', () => {
    for (const s of samples) {
      const family = s.name.replace(/_(bucket|sum|count)$/, '');
      assert.ok(types.has(s.name) || types.get(family) === 'histogram', s.name);
      assert.ok(helps.has(s.name) || helps.has(family), s.name);
    }
  });
  it('gives process state', () => {
    assert.equal(value('tandem_up'), 1);
    assert.equal(value('tandem_serving'), 1);
    assert.equal(value('tandem_start_time_seconds'), 1_700_000_000);
  });
  it('gives per-subnet numbers equal to the statistics', () => {
    const s1 = { subnet_id: '1', subnet: '10.0.0.0/24' };
    assert.equal(value('tandem_subnet_addresses_total', s1), 100);
    assert.equal(value('tandem_subnet_addresses_assigned', s1), 12);
    assert.equal(value('tandem_subnet_addresses_declined', s1), 2);
    assert.equal(value('tandem_subnet_addresses_free', s1), 7);
    assert.equal(value('tandem_subnet_addresses_total', { subnet_id: '7', subnet: '192.168.1.0/25' }), 5);
    assert.equal(value('tandem_subnet_addresses_assigned', { subnet_id: '7' }), 0);
  });
  it('gives packet counters by type and reason, unknown reasons included', () => {
    assert.equal(value('tandem_packets_received_total', { type: 'discover' }), 30);
    assert.equal(value('tandem_packets_received_total', { type: 'inform' }), 0);
    assert.equal(value('tandem_packets_sent_total', { type: 'ack' }), 19);
    assert.equal(value('tandem_packets_dropped_total', { reason: 'no-subnet' }), 3);
    assert.equal(value('tandem_packets_dropped_total', { reason: 'disabled' }), 0);
    assert.equal(value('tandem_packets_dropped_total', { reason: 'some-new-reason' }), 1);
    assert.equal(value('tandem_packets_parse_failed_total'), 4);
    assert.equal(types.get('tandem_packets_received_total'), 'counter');
  });
  it('gives the store write latency as a cumulative histogram', () => {
    assert.equal(types.get('tandem_lease_store_write_seconds'), 'histogram');
    assert.equal(value('tandem_lease_store_write_seconds_bucket', { le: '0.0005' }), 1);
    assert.equal(value('tandem_lease_store_write_seconds_bucket', { le: '0.001' }), 2);
    assert.equal(value('tandem_lease_store_write_seconds_bucket', { le: '0.005' }), 3);
    assert.equal(value('tandem_lease_store_write_seconds_bucket', { le: '1' }), 3);
    assert.equal(value('tandem_lease_store_write_seconds_bucket', { le: '+Inf' }), 4);
    assert.equal(value('tandem_lease_store_write_seconds_count'), 4);
    assert.ok(Math.abs(value('tandem_lease_store_write_seconds_sum') - 2.0038) < 1e-9);
  });
});
