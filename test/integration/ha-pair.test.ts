// Two HA services wired in-process (STYLE R11): each server has its own store, engine and
// processor with the HA hooks; the partner client of each calls the other's HaApi directly, as
// the control layer would on the HA listener. "Killing" a server cuts its link and stops it.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp4, parseIp4, systemClock } from '../../src/util/index.ts';
import { Opt4, decodeMessage4, getIp4Option, getMessageType4, getUint32Option } from '../../src/codec/index.ts';
import type { Message4 } from '../../src/codec/index.ts';
import { parseConfig4 } from '../../src/config/index.ts';
import type { Config4 } from '../../src/model/index.ts';
import { createMemoryLeaseStore } from '../../src/store/index.ts';
import type { LeaseStore } from '../../src/store/index.ts';
import { AllocEngine4 } from '../../src/alloc/index.ts';
import { createProcessor4 } from '../../src/dhcp4/index.ts';
import { createMemoryLogger, createStats } from '../../src/obs/index.ts';
import {
  PARTNER_COMMANDS, RESULT, bulkApplyAnswer, createHaService, isPrimaryQuery, sharedConfigHash, leasePageAnswer,
} from '../../src/ha/index.ts';
import type { HaService, PartnerClient, PartnerLeaseChange, PartnerResult, CommandJson } from '../../src/ha/index.ts';
import { aMessage4, anInbound4 } from '../helpers/dhcp4-builders.ts';

const DISCOVER = 1, REQUEST = 3, ACK = 5;

function haConfig(mode: 'hot-standby' | 'load-balancing', name: string): Config4 & { readonly json: unknown } {
  const json = {
    Dhcp4: {
      'valid-lifetime': 3600,
      subnet4: [{ id: 1, subnet: '10.0.0.0/24', interface: 'v1', pools: [{ pool: '10.0.0.10 - 10.0.0.200' }] }],
      'high-availability': [{
        'this-server-name': name, mode,
        'heartbeat-delay': 100, 'max-response-delay': 400, 'max-ack-delay': 1000, 'max-unacked-clients': 0,
        mclt: 60, 'sync-page-limit': 3, 'delayed-updates-limit': 0,
        peers: [
          { name: 'server1', url: 'http://127.0.0.1:18001/', role: 'primary' },
          { name: 'server2', url: 'http://127.0.0.1:18002/', role: mode === 'hot-standby' ? 'standby' : 'secondary' },
        ],
      }],
    },
  };
  const { config, issues } = parseConfig4(JSON.stringify(json), { source: 'test.json' });
  if (config === null) throw new Error(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return { ...config, json };
}

type Node = {
  name: string;
  config: ReturnType<typeof haConfig>;
  store: LeaseStore;
  service: HaService;
  up: boolean;
  disabledBy: string[];
  process(m: Message4): Promise<Message4 | null>;
  log: ReturnType<typeof createMemoryLogger>;
};

/** The HA listener's job, done in-process: dispatch a partner command to the other node's HaApi. */
async function dispatch(to: Node, cmd: CommandJson): Promise<PartnerResult> {
  const answer = (result: number, args?: Record<string, unknown>, text = ''): PartnerResult =>
    ({ ok: true, rttMs: 0, answer: { result: result as 0, text, arguments: args } });
  const ha = to.service;
  switch (cmd.command) {
    case 'ha-heartbeat': return answer(RESULT.SUCCESS, ha.heartbeat());
    case 'lease4-bulk-apply': {
      const p = PARTNER_COMMANDS['lease4-bulk-apply'].parse(JSON.parse(JSON.stringify(cmd)));
      assert.ok(p.ok);
      const changes: PartnerLeaseChange[] = [
        ...p.value.leases.map((lease) => ({ kind: 'update' as const, lease })),
        ...p.value.deletedLeases.map((l) => ({ kind: 'delete' as const, address: l.address })),
      ];
      const { failed } = await ha.applyPartnerLeases(changes);
      return failed.length === 0 ? answer(RESULT.SUCCESS, {})
        : answer(RESULT.EMPTY, bulkApplyAnswer.build(failed.map((f) => ({ ipAddress: formatIp4(f.address), result: 1, errorMessage: f.reason }))));
    }
    case 'lease4-get-page': {
      const p = PARTNER_COMMANDS['lease4-get-page'].parse(cmd);
      assert.ok(p.ok);
      const leases = await to.store.scan4(p.value.from === 'start' ? null : parseIp4(p.value.from), p.value.limit);
      return leases.length === 0 ? answer(RESULT.EMPTY, undefined, '0 IPv4 lease(s) found.') : answer(RESULT.SUCCESS, leasePageAnswer.build(leases));
    }
    case 'dhcp-disable': to.disabledBy.push('disable'); return answer(RESULT.SUCCESS);
    case 'dhcp-enable': to.disabledBy.push('enable'); return answer(RESULT.SUCCESS);
    case 'ha-sync-complete-notify': ha.syncCompleteNotify('ha-partner'); return answer(RESULT.SUCCESS);
    case 'ha-maintenance-notify': {
      const p = PARTNER_COMMANDS['ha-maintenance-notify'].parse(cmd);
      assert.ok(p.ok);
      const r = ha.maintenanceNotify(p.value.cancel);
      return answer(r.ok ? RESULT.SUCCESS : RESULT.ERROR, undefined, r.text);
    }
    case 'ha-reset': ha.reset(); return answer(RESULT.SUCCESS);
    default: return answer(RESULT.UNSUPPORTED, undefined, `unsupported ${cmd.command}`);
  }
}

function fakeClient(self: () => Node, other: () => Node | null): PartnerClient {
  let closed = false;
  return {
    async send(cmd) {
      await new Promise((r) => setImmediate(r));
      const to = other();
      if (closed || !self().up || to === null || !to.up) return { ok: false, code: 'ERR_HA_PARTNER_UNREACHABLE', error: 'connect ECONNREFUSED' };
      return dispatch(to, cmd);
    },
    close() { closed = true; },
  };
}

const nodes: Node[] = [];

async function aNode(mode: 'hot-standby' | 'load-balancing', name: string, peer: () => Node | null, store = createMemoryLeaseStore()): Promise<Node> {
  const config = haConfig(mode, name);
  const log = createMemoryLogger();
  const engine = new AllocEngine4({ store, clock: systemClock });
  await engine.load(config.subnets);
  const node = { name, config, store, up: true, disabledBy: [], log } as unknown as Node;
  node.service = createHaService({
    ha: config.ha!, subnets: config.subnets, store, clock: systemClock, log,
    partner: fakeClient(() => node, peer), configHash: sharedConfigHash(config.json),
  });
  engine.setAddressPolicy(node.service.addressPolicy);
  const processor = createProcessor4({
    config, engine, stats: createStats(), log, isOwnAddress: () => true, hooks: node.service.hooks,
  });
  node.process = async (m) => {
    const out = await processor.process(anInbound4(m));
    return out.kind === 'reply' ? decodeMessage4(out.data) : null;
  };
  nodes.push(node);
  return node;
}

async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function dora(n: Node, mac: string): Promise<Message4 | null> {
  const offer = await n.process(aMessage4(DISCOVER, { mac }));
  if (offer === null) return null;
  return n.process(aMessage4(REQUEST, { mac, requested: formatIp4(offer.yiaddr), serverId: formatIp4(getIp4Option(offer, Opt4.SERVER_ID)!) }));
}

const dump = async (s: LeaseStore) => JSON.stringify(await s.scan4(null, 10_000));

async function kill(n: Node): Promise<void> {
  n.up = false;
  await n.service.stop();
}

afterEach(async () => {
  for (const n of nodes.splice(0)) await n.service.stop();
});

/** Two services wired to each other and started, once both are in the normal state of `mode`. */
async function aStartedPair(mode: 'hot-standby' | 'load-balancing'): Promise<{ p: Node; s: Node }> {
  let p: Node | null = null;
  let s: Node | null = null;
  p = await aNode(mode, 'server1', () => s);
  s = await aNode(mode, 'server2', () => p);
  p.service.start();
  s.service.start();
  await waitFor(`both in ${mode}`, () => p!.service.state() === mode && s!.service.state() === mode);
  return { p, s };
}

describe('HA pair in-process', () => {
  it('hot-standby: the standby keeps the client on its address after the primary dies; the primary rejoins and syncs', async () => {
    let p: Node | null = null;
    let s: Node | null = null;
    const primaryStore = createMemoryLeaseStore();
    p = await aNode('hot-standby', 'server1', () => s, primaryStore);
    s = await aNode('hot-standby', 'server2', () => p);
    p.service.start();
    s.service.start();
    await waitFor('both in hot-standby', () => p!.service.state() === 'hot-standby' && s!.service.state() === 'hot-standby');

    const mac = '0a:00:00:00:00:01';
    assert.equal(await s.process(aMessage4(DISCOVER, { mac })), null, 'the standby does not answer in hot-standby');
    const ack = await dora(p, mac);
    assert.equal(getMessageType4(ack!), ACK);
    const address = formatIp4(ack!.yiaddr);
    assert.equal(getUint32Option(ack!, Opt4.LEASE_TIME), 3600, 'acked by the partner: full lifetime');
    assert.equal(formatIp4((await s.store.get4(ack!.yiaddr))!.address), address, 'the standby has the lease before the ACK');
    assert.equal((await s.store.get4(ack!.yiaddr))!.hwAddress, mac);
    // A few more clients, so the sync has several pages (sync-page-limit 3).
    for (let i = 2; i <= 7; i++) assert.ok(await dora(p, `0a:00:00:00:00:0${i}`));

    await kill(p);
    await waitFor('standby in partner-down', () => s!.service.state() === 'partner-down');
    assert.ok(s.log.lines.some((e) => e.id === 'HA_STATE_TRANSITION' && e.fields['to'] === 'partner-down'));
    // Renewal (ciaddr), then a fresh request: the same address, capped at MCLT (no partner ack).
    const renew = await s.process(aMessage4(REQUEST, { mac, ciaddr: address }));
    assert.equal(getMessageType4(renew!), ACK);
    assert.equal(formatIp4(renew!.yiaddr), address);
    assert.equal(getUint32Option(renew!, Opt4.LEASE_TIME), 60);
    const again = await dora(s, mac);
    assert.equal(formatIp4(again!.yiaddr), address);
    // A new client gets an address from the standby's own reserve.
    const fresh = await dora(s, '0a:00:00:00:00:99');
    assert.ok(fresh);

    // The primary comes back with its store, syncs, and both return to hot-standby with the same leases.
    s.disabledBy.length = 0;
    const p2 = await aNode('hot-standby', 'server1', () => s, primaryStore);
    p = p2;
    p2.service.start();
    await waitFor('both back in hot-standby', () => p2.service.state() === 'hot-standby' && s!.service.state() === 'hot-standby');
    assert.equal(await dump(p2.store), await dump(s.store));
    assert.equal((await p2.store.get4(fresh!.yiaddr))?.hwAddress, '0a:00:00:00:00:99');
    assert.deepEqual(s.disabledBy, [], 'the serving standby is not disabled during the sync');
    const transitions = p2.log.lines.filter((e) => e.id === 'HA_STATE_TRANSITION').map((e) => e.fields['to']);
    assert.deepEqual(transitions, ['syncing', 'ready', 'hot-standby']);
  });

  it('load-balancing: each serves its share; the survivor serves the dead partner\'s client on the same address', async () => {
    const { p, s } = await aStartedPair('load-balancing');
    // Find one client of each share.
    const macs = Array.from({ length: 40 }, (_, i) => `0a:00:00:00:01:${i.toString(16).padStart(2, '0')}`);
    const share = async (mac: string) => (await p!.process(aMessage4(DISCOVER, { mac }))) !== null;
    let primaryMac: string | null = null;
    let secondaryMac: string | null = null;
    for (const mac of macs) {
      if (await share(mac)) primaryMac ??= mac; else secondaryMac ??= mac;
    }
    assert.ok(primaryMac !== null && secondaryMac !== null);
    const a1 = await dora(p, primaryMac);
    const a2 = await dora(s, secondaryMac);
    assert.equal(getMessageType4(a1!), ACK);
    assert.equal(getMessageType4(a2!), ACK);
    assert.equal(await s.process(aMessage4(DISCOVER, { mac: primaryMac })), null, "the secondary leaves the primary's clients alone");
    await waitFor('stores equal', () => true);
    assert.equal(await dump(p.store), await dump(s.store));

    await kill(s);
    await waitFor('primary in partner-down', () => p!.service.state() === 'partner-down');
    const taken = await p.process(aMessage4(REQUEST, { mac: secondaryMac, ciaddr: formatIp4(a2!.yiaddr) }));
    assert.equal(formatIp4(taken!.yiaddr), formatIp4(a2!.yiaddr));
    assert.equal(getUint32Option(taken!, Opt4.LEASE_TIME), 60);
    const status = p.service.status() as { 'partner-down-cause': string; 'ha-servers': { remote: { 'in-touch': boolean } } };
    assert.equal(status['partner-down-cause'], 'interruption');
    assert.equal(status['ha-servers'].remote['in-touch'], false);
  });

  it('answers a heartbeat with its state, RFC 1123 date, scopes and config hash; rejects the partner-down command while the partner answers', async () => {
    const { p, s } = await aStartedPair('load-balancing');
    const hb = p.service.heartbeat();
    assert.equal(hb['state'], 'load-balancing');
    assert.deepEqual(hb['scopes'], ['server1']);
    assert.match(String(hb['date-time']), /GMT$/);
    assert.equal(hb['config-hash'], sharedConfigHash(p.config.json));
    assert.equal(p.service.partnerDown().ok, false);
    assert.equal(p.service.state(), 'load-balancing');
    assert.equal(isPrimaryQuery('hot-standby', 50, {} as never), true);
  });
});
