// One relationship config (issue 5, "Config replication"): a scope added on the primary (config-set
// over its control socket) appears on the partner (config-get there), whose this-server-name,
// interfaces, control socket and lease database are unchanged; while the HA link is cut the primary's
// status-get reports the mismatch (config-hash-matches false) until the push lands after healing.
// Then drift the other way: a scope added on the standby only is seen and undone by the primary's push.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { delay } from '../helpers/lab/index.ts';
import { haSkipReason, startHaPair } from '../helpers/lab/ha.ts';
import type { HaPair, HaServer } from '../helpers/lab/ha.ts';

const skip = haSkipReason([]);
const pairs = new Set<HaPair>();
after(async () => {
  for (const p of pairs) await p.destroy();
});

type Json = Record<string, unknown>;
const SUBNET2 = { id: 2, subnet: '10.78.0.0/24', pools: [{ pool: '10.78.0.10 - 10.78.0.50' }], 'option-data': [{ name: 'routers', data: '10.78.0.1' }] };
const SUBNET3 = { id: 3, subnet: '10.79.0.0/24', pools: [{ pool: '10.79.0.10 - 10.79.0.50' }] };

async function configGet(s: HaServer): Promise<Json> {
  const r = await s.call('config-get');
  assert.equal(r.result, 0, `config-get on ${s.name}: ${r.text}`);
  const { hash: _hash, ...config } = r.arguments as Json;
  return config;
}
const dhcp4 = (c: Json): Json => c['Dhcp4'] as Json;
const subnetIds = (c: Json): number[] => ((dhcp4(c)['subnet4'] ?? []) as Json[]).map((s) => s['id'] as number).sort((a, b) => a - b);
const relationship = (c: Json): Json => (dhcp4(c)['high-availability'] as Json[])[0]!;

async function addSubnet(s: HaServer, subnet: Json): Promise<void> {
  const c = structuredClone(await configGet(s));
  (dhcp4(c)['subnet4'] as Json[]).push(subnet);
  const r = await s.call('config-set', c);
  assert.equal(r.result, 0, `config-set on ${s.name}: ${r.text}`);
}

/** The HA part of status-get: config-hash, config-hash-matches, partner-config-hash, config-push. */
async function hashStatus(s: HaServer): Promise<Json> {
  const st = await s.haStatus();
  return st.raw as Json;
}

async function until<T>(what: string, timeoutMs: number, f: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(200);
  }
}

describe('HA: one relationship config', { skip: skip ?? false }, () => {
  it('a scope added on the primary reaches the partner; the partner keeps its identity; drift is reported and undone', async (t) => {
    const pair = await startHaPair('hot-standby', { clients: 1 });
    pairs.add(pair);
    const { primary, standby } = pair;
    await pair.waitNormal(30_000);

    // In step: the same shared config on both, each with its own identity.
    const s0 = await until('equal hashes', 10_000, async () => {
      const [a, b] = [await hashStatus(primary), await hashStatus(standby)];
      return a['config-hash-matches'] === true && b['config-hash-matches'] === true ? ([a, b] as const) : null;
    });
    assert.equal(s0[0]['config-hash'], s0[1]['config-hash']);
    const before = await configGet(standby);
    const identity = (c: Json) => ({
      name: relationship(c)['this-server-name'], interfaces: dhcp4(c)['interfaces-config'],
      socket: dhcp4(c)['control-socket'], leases: dhcp4(c)['lease-database'],
    });
    const standbyIdentity = identity(before);
    assert.equal(standbyIdentity.name, standby.name);

    // 1. Cut the HA link, add a scope on the primary: the mismatch shows in its status-get.
    await pair.cutHaLink();
    await addSubnet(primary, SUBNET2);
    assert.deepEqual(subnetIds(await configGet(primary)), [1, 2]);
    const cut = await hashStatus(primary);
    t.diagnostic(`primary while cut: config-hash-matches ${String(cut['config-hash-matches'])}, push ${JSON.stringify(cut['config-push'])}`);
    assert.equal(cut['config-hash-matches'], false, 'the primary reports the mismatch');
    assert.notEqual(cut['config-hash'], cut['partner-config-hash']);
    await delay(1500);
    assert.deepEqual(subnetIds(await configGet(standby)), [1], 'nothing reaches the standby over a cut link');
    assert.equal((await hashStatus(primary))['config-hash-matches'], false, 'still a mismatch until the push lands');

    // 2. Heal: the primary pushes, the standby merges and applies; the hashes match again.
    const healedAt = Date.now();
    await pair.healHaLink();
    const after = await until('the scope on the standby', 20_000, async () => {
      const c = await configGet(standby);
      return subnetIds(c).includes(2) ? c : null;
    });
    t.diagnostic(`scope 2 on the standby ${Date.now() - healedAt} ms after healing`);
    assert.deepEqual(dhcp4(after)['subnet4'], dhcp4(await configGet(primary))['subnet4']);
    assert.deepEqual(identity(after), standbyIdentity, "the standby's name, interfaces, control socket and lease database are unchanged");
    assert.equal(relationship(after)['shared-secret'], relationship(before)['shared-secret']);
    const s1 = await until('matching hashes after the push', 10_000, async () => {
      const [a, b] = [await hashStatus(primary), await hashStatus(standby)];
      return a['config-hash-matches'] === true && b['config-hash-matches'] === true ? ([a, b] as const) : null;
    });
    assert.equal(s1[0]['config-hash'], s1[1]['config-hash']);
    assert.notEqual(s1[0]['config-hash'], s0[0]['config-hash']);
    assert.match(primary.srv.output(), /"id":"HA_CONFIG_PUSHED"/);
    assert.match(standby.srv.output(), /"id":"HA_CONFIG_RECEIVED"/);
    // The new scope is in force on the standby (its pool is counted), not just in its JSON.
    const stats = await standby.call('statistic-get', { name: 'subnet[2].total-addresses' });
    const total = (stats.arguments?.['subnet[2].total-addresses'] as Array<[number, string]> | undefined)?.[0]?.[0];
    t.diagnostic(`standby subnet[2].total-addresses: ${String(total)}`);
    assert.equal(total, 41, `subnet 2's pool is not in force on the standby: ${JSON.stringify(stats)}`);

    // 3. Drift the other way: a scope added on the standby only is seen and undone (the primary's config wins).
    await addSubnet(standby, SUBNET3);
    const undone = await until('the primary to undo the standby drift', 20_000, async () => {
      const c = await configGet(standby);
      return subnetIds(c).includes(3) ? null : c;
    });
    assert.deepEqual(subnetIds(undone), [1, 2]);
    assert.deepEqual(identity(undone), standbyIdentity);
    const s2 = await until('matching hashes after the drift', 10_000, async () => {
      const b = await hashStatus(standby);
      return b['config-hash-matches'] === true ? b : null;
    });
    assert.equal(s2['config-hash'], s1[0]['config-hash']);
    // The pair is still in its normal state.
    await pair.waitNormal(10_000);
  });
});
