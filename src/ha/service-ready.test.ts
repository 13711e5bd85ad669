// Healing after a partition (found by test/e2e/ha-partition.test.ts): the server that synced sits in
// `ready` while its partner, seeing it ready, has already left partner-down for the normal state and
// serves only its own share. The ready server learns that only from its own next heartbeat, so the
// clients of its share went unanswered for up to a whole heartbeat-delay (Kea's default: 10 s).
// It now polls every READY_HEARTBEAT_MS while ready.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../util/index.ts';
import { parseConfig4 } from '../config/index.ts';
import { createMemoryLeaseStore } from '../store/index.ts';
import { createMemoryLogger } from '../obs/index.ts';
import { RESULT, heartbeatAnswer } from './commands.ts';
import type { CommandJson } from './commands.ts';
import { formatHttpDate } from './http-date.ts';
import type { PartnerClient, PartnerResult } from './partner-client.ts';
import { READY_HEARTBEAT_MS, createHaService } from './service.ts';
import type { HaService } from './service.ts';

const HEARTBEAT_DELAY_MS = 3000;

function secondaryConfig(heartbeatDelayMs = HEARTBEAT_DELAY_MS) {
  const json = {
    Dhcp4: {
      subnet4: [{ id: 1, subnet: '10.0.0.0/24', interface: 'v1', pools: [{ pool: '10.0.0.10 - 10.0.0.200' }] }],
      'high-availability': [{
        'this-server-name': 'server2', mode: 'load-balancing',
        'heartbeat-delay': heartbeatDelayMs, 'max-response-delay': 10_000, 'max-unacked-clients': 0, mclt: 60,
        peers: [
          { name: 'server1', url: 'http://127.0.0.1:18001/', role: 'primary' },
          { name: 'server2', url: 'http://127.0.0.1:18002/', role: 'secondary' },
        ],
      }],
    },
  };
  const { config, issues } = parseConfig4(JSON.stringify(json), { source: 'test.json' });
  if (config === null) throw new Error(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return config;
}

/** A primary that served alone (partner-down) and, like the real one, enters the normal state shortly after it is told the sync is complete. */
function scriptedPrimary(startState = 'partner-down'): PartnerClient & { heartbeats: number; normalSinceMs: number | null } {
  let state = startState;
  const answer = (result: number, args?: Record<string, unknown>): PartnerResult =>
    ({ ok: true, rttMs: 0, answer: { result: result as 0, text: '', arguments: args } });
  const p = {
    heartbeats: 0,
    normalSinceMs: null as number | null,
    async send(cmd: CommandJson): Promise<PartnerResult> {
      await new Promise((r) => setImmediate(r));
      switch (cmd.command) {
        case 'ha-heartbeat':
          p.heartbeats++;
          return answer(RESULT.SUCCESS, heartbeatAnswer.build({
            state: state as 'partner-down', dateTime: formatHttpDate(Date.now() / 1000), scopes: ['server1'], unsentUpdateCount: 0, configHash: null,
          }));
        case 'lease4-get-page': return answer(RESULT.EMPTY);
        case 'ha-sync-complete-notify':
          // The real primary sends its own heartbeat first, sees `ready`, then enters the normal state.
          setTimeout(() => {
            state = 'load-balancing';
            p.normalSinceMs = performance.now();
          }, 50);
          return answer(RESULT.SUCCESS);
        default: return answer(RESULT.SUCCESS);
      }
    },
    close() {},
  };
  return p;
}

let running: HaService | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

describe('HA service: the ready server joins the normal state promptly', () => {
  it(`follows its partner into the normal state within a few READY_HEARTBEAT_MS, not a heartbeat-delay (${HEARTBEAT_DELAY_MS} ms)`, async () => {
    const config = secondaryConfig();
    const primary = scriptedPrimary();
    const service = createHaService({
      ha: config.ha!, subnets: config.subnets, store: createMemoryLeaseStore(), clock: systemClock, log: createMemoryLogger(), partner: primary,
    });
    running = service;
    service.start();
    const deadline = performance.now() + 2 * HEARTBEAT_DELAY_MS;
    while (service.state() !== 'load-balancing' && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(service.state(), 'load-balancing', `stuck in ${service.state()}`);
    assert.ok(primary.normalSinceMs !== null, 'the sync completed and was notified');
    const lagMs = performance.now() - primary.normalSinceMs;
    assert.ok(lagMs < 5 * READY_HEARTBEAT_MS + 200, `the ready server joined the normal state ${Math.round(lagMs)} ms after its partner`);
  });
});

describe('HA service: heartbeats under steady lease traffic', () => {
  it('keeps comparing states and clocks every heartbeat-delay while lease updates flow', async () => {
    const config = secondaryConfig(200);
    const primary = scriptedPrimary('load-balancing');
    const store = createMemoryLeaseStore();
    const service = createHaService({
      ha: config.ha!, subnets: config.subnets, store, clock: systemClock, log: createMemoryLogger(), partner: primary,
    });
    running = service;
    service.start();
    const deadline = performance.now() + 3000;
    while (service.state() !== 'load-balancing' && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(service.state(), 'load-balancing');
    const before = primary.heartbeats;
    // A lease change every 20 ms for 1 s: each one is sent to the partner at once.
    for (let i = 0; i < 50; i++) {
      await store.insert4({ address: 0x0a000014 + i, hwAddress: `0a:00:00:00:01:${i.toString(16).padStart(2, '0')}`, clientId: null,
        subnetId: 1, cltt: Math.floor(Date.now() / 1000), validLifetime: 600, hostname: '', state: 'default' });
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(primary.heartbeats - before >= 3, `only ${primary.heartbeats - before} heartbeats in 1 s of traffic with heartbeat-delay 200 ms`);
  });
});

describe('HA service: a restarted server that cannot reach its partner', () => {
  it('renews what it knows but hands out no free address until it syncs, or MCLT after the operator declares the partner down', async () => {
    const config = secondaryConfig(200);
    const unreachable: PartnerClient = {
      async send() { await new Promise((r) => setImmediate(r)); return { ok: false, code: 'ERR_HA_PARTNER_UNREACHABLE', error: 'connect ECONNREFUSED' } as never; },
      close() {},
    };
    let offsetSec = 0;
    const clock = { now: () => systemClock.now() + offsetSec, monotonicMs: () => systemClock.monotonicMs() + offsetSec * 1000 };
    const service = createHaService({
      ha: { ...config.ha!, maxResponseDelayMs: 300 }, subnets: config.subnets, store: createMemoryLeaseStore(), clock,
      log: createMemoryLogger(), partner: unreachable,
    });
    running = service;
    service.start();
    const deadline = performance.now() + 5000;
    while (service.state() !== 'partner-down' && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(service.state(), 'partner-down');
    const anOwnAddress = [...Array(190).keys()].map((i) => 0x0a00000a + i).find((a) => service.addressPolicy.owns(1, a)) ?? null;
    assert.equal(anOwnAddress, null, 'no free address may be handed out before a sync');
    assert.equal((service.status() as { 'leases-synced': boolean })['leases-synced'], false);
    assert.equal(service.partnerDown().ok, true);
    const ownsAny = () => [...Array(190).keys()].some((i) => service.addressPolicy.owns(1, 0x0a00000a + i));
    assert.equal(ownsAny(), false, 'the partner, declared down, may have used our free addresses while we were away');
    offsetSec += config.ha!.mcltSec;
    assert.ok(ownsAny(), 'MCLT after the operator\'s partner-down, its own share again');
  });
});
