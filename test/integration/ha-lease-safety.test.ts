// failover-12's lease rules on an in-process pair whose clock the test moves (test/helpers/ha-inprocess.ts):
// the MCLT cap measured from the expiry the partner knows, no reuse of an address the partner may still
// be renewing, reuse after MCLT once the partner is declared down, and conflicting updates refused.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp4, parseIp4 } from '../../src/util/index.ts';
import { getMessageType4 } from '../../src/codec/index.ts';
import { ShiftedClock } from '../helpers/fake-clock.ts';
import { createMemoryLeaseStore } from '../../src/store/index.ts';
import { ACK, aNode, aStartedPair, clientOf, dora, kill, leaseTime, renew, stopNodes, waitFor } from '../helpers/ha-inprocess.ts';
import type { Link, Node } from '../helpers/ha-inprocess.ts';

afterEach(stopNodes);

const VALID_S = 120;
const MCLT_S = 60;

/** A load-balancing pair on a clock the test moves, with a link it can cut. */
async function aPair() {
  const clock = new ShiftedClock();
  const link: Link = { up: true };
  const { p, s } = await aStartedPair('load-balancing', { clock, link, validLifetime: VALID_S, ha: { mclt: MCLT_S } });
  return { p, s, clock, link };
}


async function cut(pair: { p: Node; s: Node; link: { up: boolean } }): Promise<void> {
  pair.link.up = false;
  await waitFor('both out of the normal state', () => pair.p.service.state() !== 'load-balancing' && pair.s.service.state() !== 'load-balancing');
}

describe('HA lease safety (failover-12 MCLT rules)', () => {
  it('caps a renewal without the partner at MCLT past the expiry the partner knows, however often the client asks', async () => {
    const pair = await aPair();
    const mac = await clientOf(pair.p, pair.s, '0a:00:00:00:01');
    const ack = await dora(pair.p, mac);
    assert.equal(leaseTime(ack), VALID_S, 'acked by the partner: the full lifetime');
    const address = formatIp4(ack!.yiaddr);
    await cut(pair);
    pair.clock.advance(100);
    // The partner knows the lease until +120 s: now (+100 s) the cap is 20 s + MCLT = 80 s.
    for (let i = 0; i < 3; i++) {
      const r = await renew(pair.p, mac, address);
      assert.equal(getMessageType4(r!), ACK);
      const t = leaseTime(r)!;
      // 80 s less the real seconds this test has taken since the lease was acked.
      assert.ok(t >= 70 && t <= 80, `renewal ${i + 1}: ${t} s, want about 80 s (does not creep with each unacknowledged renewal)`);
    }
    pair.clock.advance(100);
    assert.equal(leaseTime(await renew(pair.p, mac, address)), MCLT_S, 'past the known expiry: MCLT from now');
    const fresh = await dora(pair.p, await clientOf(pair.p, pair.s, '0a:00:00:00:02'));
    assert.equal(leaseTime(fresh), MCLT_S, 'a binding the partner never acked: MCLT');
  });

  it('does not give an address to another client while the cut-off partner may still be renewing it', async () => {
    const pair = await aPair();
    const mac = await clientOf(pair.s, pair.p, '0a:00:00:00:03');
    const ack = await dora(pair.s, mac);
    const address = formatIp4(ack!.yiaddr);
    assert.equal((await pair.p.store.get4(ack!.yiaddr))?.hwAddress, mac, 'the partner holds the binding');
    await cut(pair);
    pair.clock.advance(VALID_S + 3 * MCLT_S); // the lease expired long ago on both clocks
    for (const n of [pair.s, pair.p]) {
      const other = await dora(n, `0a:00:00:00:04:${n === pair.p ? '01' : '02'}`, address);
      assert.ok(other !== null, `${n.name} still serves new clients`);
      assert.notEqual(formatIp4(other.yiaddr), address, `${n.name} gave ${address} to a new client while its partner may be renewing it`);
    }
    // The client it belongs to gets it back from either server, for MCLT: the partner knows the binding.
    const back = await renew(pair.p, mac, address);
    assert.equal(getMessageType4(back!), ACK);
    assert.equal(formatIp4(back!.yiaddr), address);
    assert.equal(leaseTime(back), MCLT_S);
  });

  it('treats a lease the partner received but never acked as one it may be renewing', async () => {
    const pair = await aPair();
    const mac = await clientOf(pair.s, pair.p, '0a:00:00:00:0a');
    // The update reaches the partner; its answer is lost: no ACK for the client, the partner has the lease.
    pair.link.loseAnswers = true;
    assert.equal(await dora(pair.s, mac), null);
    const address = (await pair.p.store.find4({ subnetId: 1, hwAddress: mac }))[0]?.address;
    assert.ok(address !== undefined, 'the partner applied the lease');
    pair.link.up = false;
    pair.link.loseAnswers = false;
    await waitFor('both out of the normal state', () => pair.p.service.state() !== 'load-balancing' && pair.s.service.state() !== 'load-balancing');
    pair.clock.advance(VALID_S + 3 * MCLT_S);
    const other = await dora(pair.s, '0a:00:00:00:0b:01', formatIp4(address));
    assert.ok(other !== null);
    assert.notEqual(other.yiaddr, address, 'given to a new client although the partner may be renewing it');
  });

  it('reuses a dead partner\'s binding only MCLT after its expiry once the operator declares the partner down', async () => {
    const pair = await aPair();
    const mac = await clientOf(pair.s, pair.p, '0a:00:00:00:05');
    const ack = await dora(pair.s, mac);
    const address = formatIp4(ack!.yiaddr);
    await kill(pair.s);
    await waitFor('partner-down', () => pair.p.service.state() === 'partner-down');
    assert.equal(pair.p.service.partnerDown().ok, true);
    pair.clock.advance(VALID_S + 10); // expired, and MCLT since the interruption: not yet MCLT after the expiry
    await waitFor("the partner's free addresses usable", () => pair.p.service.status()['partner-addresses-usable'] === true);
    const early = await dora(pair.p, '0a:00:00:00:06:01', address);
    assert.ok(early !== null);
    assert.notEqual(formatIp4(early.yiaddr), address, 'reused before expiry + MCLT');
    pair.clock.advance(MCLT_S);
    const late = await dora(pair.p, '0a:00:00:00:06:02', address);
    assert.equal(formatIp4(late!.yiaddr), address, 'MCLT after the expiry the address is free for anyone');
  });

  it('after a restart cut off from the partner, reuses a stored binding only MCLT after its end, once declared down', async () => {
    const clock = new ShiftedClock();
    const store = createMemoryLeaseStore();
    const address = parseIp4('10.0.0.50')!;
    await store.insert4({
      address, hwAddress: '0a:00:00:00:0c:01', clientId: null, subnetId: 1, cltt: Math.floor(clock.now()) - 10,
      validLifetime: VALID_S, hostname: '', state: 'default',
    });
    const n = await aNode('load-balancing', 'server1', () => null, store, { clock, validLifetime: VALID_S, ha: { mclt: MCLT_S } });
    n.service.start();
    await waitFor('partner-down', () => n.service.state() === 'partner-down');
    assert.equal(n.service.partnerDown().ok, true);
    clock.advance(VALID_S); // expired 10 s ago; the interruption is older than MCLT
    await waitFor("the partner's free addresses usable", () => n.service.status()['partner-addresses-usable'] === true);
    const early = await dora(n, '0a:00:00:00:0c:02', '10.0.0.50');
    assert.ok(early !== null);
    assert.notEqual(early.yiaddr, address, 'the partner may have renewed that binding until MCLT after its end');
    clock.advance(MCLT_S);
    const late = await dora(n, '0a:00:00:00:0c:03', '10.0.0.50');
    assert.equal(late?.yiaddr, address);
  });

  it('refuses a live update naming another client for an address leased here (result 4), and an older one', async () => {
    const pair = await aPair();
    const mac = await clientOf(pair.p, pair.s, '0a:00:00:00:07');
    const ack = await dora(pair.p, mac);
    const held = (await pair.s.store.get4(ack!.yiaddr))!;
    const now = Math.floor(pair.clock.now());
    const other = { ...held, hwAddress: '0a:00:00:00:08:01', cltt: now + 1 };
    const r1 = await pair.s.service.applyPartnerLeases([{ kind: 'update', lease: other }]);
    assert.equal(r1.failed.length, 1);
    assert.equal(r1.failed[0]!.conflict, true, r1.failed[0]!.reason);
    assert.match(r1.failed[0]!.reason, /leased here to another client/);
    const older = { ...held, cltt: held.cltt - 10 };
    const r2 = await pair.s.service.applyPartnerLeases([{ kind: 'update', lease: older }]);
    assert.equal(r2.failed[0]?.conflict, false);
    assert.match(r2.failed[0]!.reason, /newer lease/);
    assert.deepEqual(await pair.s.store.get4(ack!.yiaddr), held, 'nothing changed');
    assert.equal(parseIp4(formatIp4(held.address)), held.address);
  });

  it('sends what changed while apart once back in touch, and both end with the same leases', async () => {
    const pair = await aPair();
    await cut(pair);
    const fresh = await dora(pair.p, await clientOf(pair.p, pair.s, '0a:00:00:00:09'));
    assert.equal(getMessageType4(fresh!), ACK);
    assert.ok((pair.p.service.status()['held-updates'] as number) >= 1, 'the change is kept for the partner');
    pair.link.up = true;
    await waitFor('both back in load-balancing', () => pair.p.service.state() === 'load-balancing' && pair.s.service.state() === 'load-balancing', 10_000);
    await waitFor('nothing held', () => pair.p.service.status()['held-updates'] === 0 && pair.p.service.status()['pending-updates'] === 0);
    assert.equal((await pair.s.store.get4(fresh!.yiaddr))?.hwAddress, (await pair.p.store.get4(fresh!.yiaddr))?.hwAddress);
  });
});
