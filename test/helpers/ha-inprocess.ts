// Two HA services wired in-process (STYLE R11): each server has its own store, engine and
// processor with the HA hooks; the partner client of each calls the other's HaApi directly, as
// the control layer would on the HA listener. "Killing" a server cuts its link and stops it;
// `link.up = false` cuts only the link between two live servers (a partition).
import assert from 'node:assert/strict';
import { formatIp4, parseIp4, systemClock } from '../../src/util/index.ts';
import type { Clock } from '../../src/util/index.ts';
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
  PARTNER_COMMANDS, RESULT, bulkApplyAnswer, createHaService, sharedConfigHash, leasePageAnswer,
} from '../../src/ha/index.ts';
import type { HaService, PartnerClient, PartnerLeaseChange, PartnerResult, CommandJson } from '../../src/ha/index.ts';
import { aMessage4, anInbound4 } from './dhcp4-builders.ts';

export const DISCOVER = 1, REQUEST = 3, ACK = 5, NAK = 6;

export type HaMode = 'hot-standby' | 'load-balancing';

export type Link = { up: boolean; loseAnswers?: boolean };

export type PairOptions = {
  readonly clock?: Clock;
  /** The subnet's valid-lifetime (default 3600 s). */
  readonly validLifetime?: number;
  /** Extra high-availability parameters (mclt, max-unacked-clients ...). */
  readonly ha?: Record<string, unknown>;
  /** The link between the two servers, shared by both partner clients; `loseAnswers`: commands arrive, answers do not. */
  readonly link?: Link;
};

export function haConfig(mode: HaMode, name: string, o: PairOptions = {}): Config4 & { readonly json: unknown } {
  const json = {
    Dhcp4: {
      'valid-lifetime': o.validLifetime ?? 3600,
      subnet4: [{ id: 1, subnet: '10.0.0.0/24', interface: 'v1', pools: [{ pool: '10.0.0.10 - 10.0.0.200' }] }],
      'high-availability': [{
        'this-server-name': name, mode,
        'heartbeat-delay': 100, 'max-response-delay': 400, 'max-ack-delay': 1000, 'max-unacked-clients': 0,
        mclt: 60, 'sync-page-limit': 3, 'delayed-updates-limit': 0,
        peers: [
          { name: 'server1', url: 'http://127.0.0.1:18001/', role: 'primary' },
          { name: 'server2', url: 'http://127.0.0.1:18002/', role: mode === 'hot-standby' ? 'standby' : 'secondary' },
        ],
        ...o.ha,
      }],
    },
  };
  const { config, issues } = parseConfig4(JSON.stringify(json), { source: 'test.json' });
  if (config === null) throw new Error(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return { ...config, json };
}

export type Node = {
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
        : answer(RESULT.EMPTY, bulkApplyAnswer.build(failed.map((f) => ({
          ipAddress: formatIp4(f.address), result: f.conflict ? RESULT.CONFLICT : RESULT.ERROR, errorMessage: f.reason,
        }))));
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

function fakeClient(self: () => Node, other: () => Node | null, link: Link): PartnerClient {
  let closed = false;
  return {
    async send(cmd) {
      await new Promise((r) => setImmediate(r));
      const to = other();
      if (closed || !link.up || !self().up || to === null || !to.up) return { ok: false, code: 'ERR_HA_PARTNER_UNREACHABLE', error: 'connect ECONNREFUSED' };
      const answer = await dispatch(to, cmd);
      return link.loseAnswers === true ? { ok: false, code: 'ERR_HA_PARTNER_TIMEOUT', error: 'the answer was lost' } : answer;
    },
    close() { closed = true; },
  };
}

const nodes: Node[] = [];

export async function aNode(mode: HaMode, name: string, peer: () => Node | null, store = createMemoryLeaseStore(), o: PairOptions = {}): Promise<Node> {
  const config = haConfig(mode, name, o);
  const clock = o.clock ?? systemClock;
  const log = createMemoryLogger();
  const engine = new AllocEngine4({ store, clock });
  await engine.load(config.subnets);
  const node = { name, config, store, up: true, disabledBy: [], log } as unknown as Node;
  node.service = createHaService({
    ha: config.ha!, subnets: config.subnets, store, clock, log,
    partner: fakeClient(() => node, peer, o.link ?? { up: true }), configHash: sharedConfigHash(config.json),
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

/** Stops every node made since the last call (afterEach). */
export async function stopNodes(): Promise<void> {
  for (const n of nodes.splice(0)) await n.service.stop();
}

export async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function dora(n: Node, mac: string, requested?: string): Promise<Message4 | null> {
  const offer = await n.process(aMessage4(DISCOVER, { mac, ...(requested !== undefined ? { requested } : {}) }));
  if (offer === null) return null;
  return n.process(aMessage4(REQUEST, { mac, requested: formatIp4(offer.yiaddr), serverId: formatIp4(getIp4Option(offer, Opt4.SERVER_ID)!) }));
}

export const dump = async (s: LeaseStore) => JSON.stringify(await s.scan4(null, 10_000));

export async function kill(n: Node): Promise<void> {
  n.up = false;
  await n.service.stop();
}

/** Two services wired to each other and started, once both are in the normal state of `mode`. */
export async function aStartedPair(mode: HaMode, o: PairOptions = {}): Promise<{ p: Node; s: Node }> {
  let p: Node | null = null;
  let s: Node | null = null;
  const link: Link = o.link ?? { up: true };
  p = await aNode(mode, 'server1', () => s, createMemoryLeaseStore(), { ...o, link });
  s = await aNode(mode, 'server2', () => p, createMemoryLeaseStore(), { ...o, link });
  p.service.start();
  s.service.start();
  await waitFor(`both in ${mode}`, () => p!.service.state() === mode && s!.service.state() === mode);
  return { p, s };
}

/** A client the given server answers in the normal state (the RFC 3074 split). */
export async function clientOf(server: Node, other: Node, prefix: string): Promise<string> {
  for (let i = 1; i < 200; i++) {
    const mac = `${prefix}:${i.toString(16).padStart(2, '0')}`;
    if (await other.process(aMessage4(DISCOVER, { mac })) === null && await server.process(aMessage4(DISCOVER, { mac })) !== null) return mac;
  }
  throw new Error(`no client of ${server.name} found`);
}

export const leaseTime = (m: Message4 | null): number | undefined => (m === null ? undefined : getUint32Option(m, Opt4.LEASE_TIME) ?? undefined);
export const renew = (n: Node, mac: string, address: string) => n.process(aMessage4(REQUEST, { mac, ciaddr: address }));
export const isAck = (m: Message4 | null): m is Message4 => m !== null && getMessageType4(m) === ACK;
