// The document test (issue 5, first "must show"), for hot-standby and for load-balancing:
// a real dhclient gets a lease from the pair; the server that answered is killed with SIGKILL; the
// client renews (unicast to the dead server, unanswered, seen on the wire), rebinds (broadcast) and
// gets the SAME address from the partner; a fresh client run (new lease file, so a DISCOVER) gets the
// same address again; the lease is in the partner's store; the killed server comes back, syncs, both
// report the normal state in status-get, and both stores hold the same leases.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { capture, DHCP_MSG, delay, dhclient, dhclientStart, dhcpPackets, ipInRange } from '../helpers/lab/index.ts';
import type { KeaLease } from '../helpers/lab/index.ts';
import { HA_LAN, haSkipReason, startHaPair } from '../helpers/lab/ha.ts';
import type { HaMode, HaPair, HaServer } from '../helpers/lab/ha.ts';

const skip = haSkipReason(['dhclient', 'tcpdump']);
const pairs = new Set<HaPair>();
after(async () => {
  for (const p of pairs) await p.destroy();
});

/** What "the same store" means: every field the partner protocol carries, per address. */
function storeView(leases: KeaLease[]): string[] {
  return leases
    .map((l) => JSON.stringify([l['ip-address'], l['hw-address'], l['client-id'] ?? null, l.cltt, l['valid-lft'], l['subnet-id'], l.hostname, l.state]))
    .sort();
}

async function leaseOf(s: HaServer, addr: string): Promise<KeaLease | undefined> {
  return (await s.srv.leases()).find((l) => l['ip-address'] === addr);
}

/** Until both stores are equal (an update may still be in flight), bounded. */
async function storesConverge(pair: HaPair, timeoutMs: number): Promise<{ a: string[]; b: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const a = storeView(await pair.primary.srv.leases());
    const b = storeView(await pair.standby.srv.leases());
    if (JSON.stringify(a) === JSON.stringify(b) || Date.now() > deadline) return { a, b };
    await delay(500);
  }
}

async function documentTest(mode: HaMode): Promise<void> {
  const pair = await startHaPair(mode, { clients: 1 });
  pairs.add(pair);
  const { lab } = pair;
  const client = pair.net.clients[0]!;
  try {
    await pair.waitNormal(30_000);

    // 1. dhclient (a daemon with valid 30 s, T1 5 s, T2 10 s) gets a lease from the pair.
    const cap = await capture(lab, client.ns, client.ifname, { filter: 'udp port 67 or udp port 68' });
    const session = await dhclientStart(lab, client.ns, client.ifname, { timeoutS: 20 });
    const first = await session.waitBound(0, 25_000);
    assert.ok(first?.address, `no lease from the pair; dhclient said:\n${session.proc.output().slice(-2000)}`);
    const addr = first.address;
    assert.ok(ipInRange(addr, HA_LAN.pool[0], HA_LAN.pool[1]), `${addr} is not in the pool`);
    const answered = pair.byLanIp(first.serverId);
    assert.ok(answered, `server identifier ${first.serverId} is neither server`);
    if (mode === 'hot-standby') assert.equal(answered.name, pair.primary.name, 'in hot-standby the primary answers');
    const partner = pair.partnerOf(answered);
    // In the normal state the ACK left only after the partner acked the update: it is there already.
    const replicated = await leaseOf(partner, addr);
    assert.equal(replicated?.['hw-address'], client.mac, `the partner does not hold ${addr} for ${client.mac} although the client was ACKed`);

    // 2. kill -9 the server that answered.
    const seen = session.events().length;
    const killedAt = Date.now();
    await answered.kill9();

    // 3. The client renews (unanswered), then rebinds and gets the same address from the partner.
    const rebound = await session.waitBound(seen, 45_000);
    assert.ok(rebound, `no RENEW/REBIND after the kill; dhclient said:\n${session.proc.output().slice(-3000)}\n--- partner log:\n${partner.srv.output().slice(-3000)}`);
    // (dhclient names the script event RENEW even when the ACK answered its broadcast after T2: the wire shows the rebind.)
    const all = dhcpPackets(await cap.stop());
    const pkts = all.filter((p) => p.pkt.timeMs >= killedAt - 50);
    if (process.env['TANDEM_E2E_DEBUG']) {
      for (const p of all) console.error(`${p.pkt.timeMs - killedAt} ms ${p.pkt.srcIp} > ${p.pkt.dstIp} type ${p.messageType} ci ${p.ciaddr} yi ${p.yiaddr} xid ${p.xid}`);
    }
    assert.equal(rebound.address, addr, 'the partner gave the client the same address');
    assert.equal(rebound.serverId, partner.lanIp);
    const renews = pkts.filter((p) => p.messageType === DHCP_MSG.REQUEST && p.ciaddr === addr && p.pkt.dstIp === answered.lanIp);
    assert.ok(renews.length > 0, 'dhclient renewed by unicast to the server that answered');
    const fromDead = pkts.filter((p) => p.pkt.srcIp === answered.lanIp && p.op === 2);
    assert.equal(fromDead.length, 0, 'nothing answered from the killed server');
    const rebinds = pkts.filter((p) => p.messageType === DHCP_MSG.REQUEST && p.ciaddr === addr && p.pkt.dstIp === '255.255.255.255');
    assert.ok(rebinds.length > 0, 'dhclient rebound by broadcast');
    const firstRenew = renews[0]!.pkt.timeMs;
    assert.ok(rebinds.some((r) => r.pkt.timeMs > firstRenew), 'the rebind came after the renew');
    const acks = pkts.filter((p) => p.messageType === DHCP_MSG.ACK && p.pkt.srcIp === partner.lanIp && p.yiaddr === addr && p.chaddr === client.mac);
    assert.ok(acks.some((a) => rebinds.some((r) => r.xid === a.xid)), 'the partner ACKed the rebinding REQUEST with the same yiaddr');

    // 4. A fresh request (new lease file: DISCOVER) gets the same address from the partner.
    await session.stop();
    const fresh = await dhclient(lab, client.ns, client.ifname, { timeoutS: 15, leaseFile: join(lab.tmpdir(), `fresh-${mode}.leases`) });
    assert.equal(fresh.address, addr, 'a fresh request gets the same address');
    assert.equal(fresh.serverId, partner.lanIp);

    // 5. The lease is in the partner's store, renewed after the kill.
    const held = await leaseOf(partner, addr);
    assert.equal(held?.['hw-address'], client.mac);
    assert.ok((held?.cltt ?? 0) * 1000 >= killedAt - 1000, `the partner's lease was renewed after the kill (cltt ${held?.cltt})`);

    // 6. The killed server comes back, syncs, and both return to the normal state.
    const logBefore = answered.srv.output().length;
    await answered.start();
    await pair.waitNormal(60_000);
    assert.match(answered.srv.output().slice(logBefore), /"id":"HA_STATE_TRANSITION"[^\n]*syncing/, 'the returning server synced');

    // 7. Both stores hold the same leases, including the client's.
    const { a, b } = await storesConverge(pair, 10_000);
    assert.deepEqual(a, b, 'both stores are identical');
    assert.ok(a.some((l) => l.includes(`"${addr}"`) && l.includes(client.mac)), `${addr} is in both stores`);
  } catch (e) {
    if (process.env['TANDEM_E2E_DEBUG']) {
      console.error('--- server1:\n' + (pair.primary.running() ? pair.primary.srv.output().slice(-6000) : '(not running)'));
      console.error('--- server2:\n' + (pair.standby.running() ? pair.standby.srv.output().slice(-6000) : '(not running)'));
    }
    throw e;
  } finally {
    pairs.delete(pair);
    await pair.destroy();
  }
}

describe('HA document test: the client keeps its address when the server that answered dies', { skip: skip ?? false }, () => {
  it('hot-standby', { timeout: 240_000 }, () => documentTest('hot-standby'));
  it('load-balancing', { timeout: 240_000 }, () => documentTest('load-balancing'));
});
