import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../util/index.ts';
import type { HaPeer } from '../model/index.ts';
import { createMemoryLogger } from '../obs/index.ts';
import { PARTNER_COMMANDS, RESULT } from './commands.ts';
import type { CommandJson } from './commands.ts';
import { sharedConfigHash } from './config-hash.ts';
import { createConfigReplication } from './config-replication.ts';
import type { ConfigReplication } from './config-replication.ts';
import type { PartnerResult } from './partner-client.ts';

const peer = (name: string, role: HaPeer['role']): HaPeer => ({ name, url: `http://127.0.0.${name.at(-1)}:8001/`, role, autoFailover: true, basicAuthUser: null, basicAuthPassword: null, tls: null } as HaPeer);
const P1 = peer('server1', 'primary');
const P2 = peer('server2', 'standby');

function configOf(name: string, subnets: number[]): Record<string, unknown> {
  return { Dhcp4: {
    'interfaces-config': { interfaces: [`if-${name}`] },
    'control-socket': { 'socket-type': 'unix', 'socket-name': `/tmp/${name}.sock` },
    subnet4: subnets.map((id) => ({ id, subnet: `10.${id}.0.0/24`, pools: [{ pool: `10.${id}.0.10 - 10.${id}.0.20` }] })),
    'high-availability': [{ 'this-server-name': name, mode: 'hot-standby', peers: [{ name: 'server1', url: 'u1', role: 'primary' }, { name: 'server2', url: 'u2', role: 'standby' }] }],
  } };
}

function clock(): Clock & { advance(ms: number): void } {
  let ms = 0;
  return { now: () => 1_800_000_000 + ms / 1000, monotonicMs: () => ms, advance: (d) => { ms += d; } } as Clock & { advance(ms: number): void };
}

/** Two servers' replication wired to each other in-process (the partner's answer is its receive()). */
function pair(o: { refuse?: string } = {}) {
  const c = clock();
  const log1 = createMemoryLogger();
  const log2 = createMemoryLogger();
  const json = { server1: configOf('server1', [1]), server2: configOf('server2', [1]) };
  const sent: CommandJson[] = [];
  let r2: ConfigReplication | null = null;
  const r1 = createConfigReplication({
    me: P1, partner: P2, log: log1, clock: c, configJson: () => json.server1, initialHash: sharedConfigHash(json.server1),
    send: async (cmd): Promise<PartnerResult> => {
      sent.push(cmd);
      const parsed = PARTNER_COMMANDS['ha-config-push'].parse(JSON.parse(JSON.stringify(cmd)));
      assert.ok(parsed.ok);
      const a = await r2!.receive(parsed.value);
      return { ok: true, rttMs: 1, answer: { result: a.ok ? RESULT.SUCCESS : RESULT.ERROR, text: a.text, arguments: { 'config-hash': a.configHash } } };
    },
  });
  r2 = createConfigReplication({
    me: P2, partner: P1, log: log2, clock: c, configJson: () => json.server2, initialHash: sharedConfigHash(json.server2),
    send: async () => { throw new Error('the standby never pushes'); },
    applyConfig: async (merged) => {
      if (o.refuse !== undefined) return { ok: false, reasons: [o.refuse] };
      json.server2 = merged as Record<string, unknown>;
      r2!.changed(merged);
      return { ok: true };
    },
  });
  return { c, r1, r2, json, sent, log1, log2 };
}

describe('config replication: the primary pushes, the partner merges and applies', () => {
  it('a scope added on the primary reaches the partner, whose identity stays; the hashes then match', async () => {
    const p = pair();
    p.r1.observe(p.r2.hash());
    p.r2.observe(p.r1.hash());
    assert.equal(p.r1.matches(), true);
    assert.equal(p.sent.length, 0, 'no push while the hashes match');

    p.json.server1 = configOf('server1', [1, 2]);
    p.r1.changed(p.json.server1);
    assert.equal(p.r1.matches(), false, 'the mismatch shows at once');
    await p.r1.idle();
    assert.equal(p.sent.length, 1, 'pushed at once after its own change');
    const d2 = p.json.server2['Dhcp4'] as Record<string, unknown>;
    assert.deepEqual((d2['subnet4'] as Array<{ id: number }>).map((s) => s.id), [1, 2]);
    assert.deepEqual(d2['interfaces-config'], { interfaces: ['if-server2'] });
    assert.equal((d2['high-availability'] as Array<Record<string, unknown>>)[0]!['this-server-name'], 'server2');
    assert.equal(p.r2.hash(), p.r1.hash());
    assert.equal(p.r1.matches(), true);
    p.r2.observe(p.r1.hash());
    assert.equal(p.r2.matches(), true);
    assert.ok(p.log1.lines.some((l) => l.id === 'HA_CONFIG_PUSHED' && l.fields['ok'] === true));
    assert.ok(p.log2.lines.some((l) => l.id === 'HA_CONFIG_RECEIVED' && l.fields['applied'] === true));
  });

  it('a drifted partner is corrected from the heartbeat; a standby never pushes', async () => {
    const p = pair();
    p.json.server2 = configOf('server2', [1, 3]);
    p.r2.changed(p.json.server2);
    p.r2.observe(p.r1.hash());
    assert.equal(p.r2.matches(), false);
    await p.r2.idle();
    p.r1.observe(p.r2.hash());
    await p.r1.idle();
    assert.equal(p.sent.length, 1);
    assert.deepEqual(((p.json.server2['Dhcp4'] as Record<string, unknown>)['subnet4'] as Array<{ id: number }>).map((s) => s.id), [1]);
    assert.equal(p.r2.hash(), p.r1.hash());
  });

  it('a refused push is reported and not repeated before the retry time', async () => {
    const p = pair({ refuse: 'Dhcp4.subnet4[1]: overlaps' });
    p.json.server1 = configOf('server1', [1, 2]);
    p.r1.changed(p.json.server1);
    p.r1.observe(p.r2.hash());
    await p.r1.idle();
    assert.equal(p.sent.length, 1);
    assert.equal(p.r1.matches(), false);
    assert.deepEqual(p.r1.status()['config-push'], { status: 'refused', text: 'configuration refused: Dhcp4.subnet4[1]: overlaps' });
    p.r1.observe(p.r2.hash());
    await p.r1.idle();
    assert.equal(p.sent.length, 1, 'not again at the next heartbeat');
    p.c.advance(30_000);
    p.r1.observe(p.r2.hash());
    await p.r1.idle();
    assert.equal(p.sent.length, 2, 'again after the retry time');
    assert.ok(p.log2.lines.some((l) => l.id === 'HA_CONFIG_RECEIVED' && l.fields['applied'] === false));
  });

  it('the partner refuses a push from a non-primary, for the wrong name, or with a hash that does not match', async () => {
    const p = pair();
    const shared = { Dhcp4: { subnet4: [], 'high-availability': [{ mode: 'hot-standby', peers: [] }] } };
    const bad = await p.r2.receive({ serverName: 'server9', config: shared, configHash: 'ab'.repeat(32) });
    assert.match(bad.text, /not this server's partner/);
    const wrongHash = await p.r2.receive({ serverName: 'server1', config: shared, configHash: 'ab'.repeat(32) });
    assert.match(wrongHash.text, /does not match the pushed config/);
    const fromStandby = await p.r1.receive({ serverName: 'server2', config: shared, configHash: 'ab'.repeat(32) });
    assert.match(fromStandby.text, /only the primary pushes/);
    assert.deepEqual(((p.json.server2['Dhcp4'] as Record<string, unknown>)['subnet4'] as unknown[]).length, 1, 'nothing changed');
  });
});
