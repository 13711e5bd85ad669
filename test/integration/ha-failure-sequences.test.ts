// Crash / partition / restart / maintenance sequences a review found leasing one address to two
// clients at overlapping times under the first cut of the MCLT rules; each says why, step by step,
// and now passes.
// Harness: test/helpers/ha-inprocess.ts (two services in-process, a clock the test moves, a link it cuts).
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp4 } from '../../src/util/index.ts';
import type { Ip4 } from '../../src/util/index.ts';
import { createOwnership } from '../../src/ha/index.ts';
import { ShiftedClock } from '../helpers/fake-clock.ts';
import { createMemoryLeaseStore } from '../../src/store/index.ts';
import { aNode, aStartedPair, clientOf, dora, isAck, kill, leaseTime, renew, stopNodes, waitFor } from '../helpers/ha-inprocess.ts';
import type { Link, Node, PairOptions } from '../helpers/ha-inprocess.ts';

afterEach(stopNodes);

const VALID_S = 120;
const MCLT_S = 60;


const inState = (n: Node, state: string) => () => n.service.state() === state;

/** A load-balancing pair whose servers can be restarted on their stores (`pair.p` / `pair.s` follow the restarts). */
async function aRestartablePair() {
  const clock = new ShiftedClock();
  const link: Link = { up: true };
  const o: PairOptions = { clock, link, validLifetime: VALID_S, ha: { mclt: MCLT_S } };
  const pair = { clock, link, o } as { clock: ShiftedClock; link: Link; o: PairOptions; p: Node; s: Node };
  pair.p = await aNode('load-balancing', 'server1', () => pair.s, createMemoryLeaseStore(), o);
  pair.s = await aNode('load-balancing', 'server2', () => pair.p, createMemoryLeaseStore(), o);
  pair.p.service.start();
  pair.s.service.start();
  await waitFor('both in load-balancing', () => pair.p.service.state() === 'load-balancing' && pair.s.service.state() === 'load-balancing');
  return pair;
}

async function bothPartnerDown(p: Node, s: Node): Promise<void> {
  await waitFor('both in partner-down', () => p.service.state() === 'partner-down' && s.service.state() === 'partner-down');
}

describe('HA failure sequences that once leased one address twice', () => {
  // Sequence: a long partition (both servers keep serving, max-unacked-clients 0 → partner-down
  // 'interruption'); late in it the secondary gives a NEW client D a fresh address Z from its own
  // free addresses (capped at MCLT, so D holds Z until now + MCLT); then the secondary crashes. The
  // operator rightly declares it down. The primary counts MCLT from the START of the interruption
  // (service.ts reuseAt / states.ts allocationPolicy: interruptedForMs ≥ MCLT), which passed long ago,
  // so it hands Z to client E at once while D's lease still runs. failover-12 / dhcpd (stos of
  // partner-down) / Windows count MCLT from when the partner went down, i.e. at the earliest from
  // the last moment it could have served: for an operator's command, the command time.
  it('after a long partition and then a crash of the partner, does not reuse the partner\'s fresh leases at once on partner-down by command', async () => {
    const clock = new ShiftedClock();
    const link: Link = { up: true };
    const { p, s } = await aStartedPair('load-balancing', { clock, link, validLifetime: VALID_S, ha: { mclt: MCLT_S } });
    link.up = false;
    await bothPartnerDown(p, s);
    clock.advance(10 * MCLT_S); // the partition lasts 10 × MCLT; both keep serving
    const d = await dora(s, '0a:00:00:01:01:01');
    assert.ok(isAck(d), 'the cut-off secondary still serves new clients');
    assert.equal(leaseTime(d), MCLT_S);
    const z = formatIp4(d.yiaddr);
    await kill(s); // now it really is down
    assert.equal(p.service.partnerDown().ok, true);
    const e = await dora(p, '0a:00:00:01:02:01', z);
    assert.ok(e !== null);
    assert.notEqual(formatIp4(e.yiaddr), z, `${z} leased to E while D's lease from the secondary (granted just now, for MCLT) still runs`);
    assert.equal(p.service.status()['partner-addresses-usable'], false, 'MCLT runs from the declaration, not from the interruption');
    clock.advance(MCLT_S + 1);
    await waitFor("the partner's free addresses usable", () => p.service.status()['partner-addresses-usable'] === true);
    const f = await dora(p, '0a:00:00:01:02:02', z);
    assert.equal(f === null ? null : formatIp4(f.yiaddr), z, "MCLT after the declaration D's lease has run out: the address is free");
  });

  // Sequence: the primary dies; the operator declares it down on the secondary, which after MCLT
  // uses the primary's free addresses (capped at MCLT) and gives P-owned address Y to client E.
  // Then the secondary dies too, and the primary restarts on its own store (which lacks E's lease)
  // with the partner unreachable. The operator rightly declares the partner down. ha-hooks.ts
  // policy.owns → mayAllocate = caughtUp || downCause === 'command' lets the primary hand out ITS
  // OWN free addresses at once, but the partner used exactly those while it ran alone: Y goes to F
  // while E still holds it. (The 'stored' rule cannot help: the store never saw Y.)
  it('after a restart and partner-down by command, does not hand out its own free addresses the partner may have used', async () => {
    const pair = await aRestartablePair();
    const { clock, o } = pair;
    const own = createOwnership(pair.p.config.ha!, pair.p.config.subnets);
    await kill(pair.p);
    await waitFor('secondary in partner-down', inState(pair.s, 'partner-down'));
    assert.equal(pair.s.service.partnerDown().ok, true);
    clock.advance(MCLT_S + 1);
    await waitFor("the primary's free addresses usable", () => pair.s.service.status()['partner-addresses-usable'] === true);
    let y: Ip4 | null = null;
    for (let a = 0x0a00000a + 50; a < 0x0a0000c8; a++) if (own.ownerOf(a) === 'primary' && (await pair.s.store.get4(a)) === null) { y = a; break; }
    assert.ok(y !== null);
    const e = await dora(pair.s, '0a:00:00:02:01:01', formatIp4(y));
    assert.ok(isAck(e));
    assert.equal(e.yiaddr, y, "the survivor used the dead primary's free address");
    await kill(pair.s);
    const old = pair.p;
    pair.p = await aNode('load-balancing', 'server1', () => pair.s, old.store, o);
    pair.p.service.start();
    await waitFor('restarted primary in partner-down', inState(pair.p, 'partner-down'));
    assert.equal(pair.p.service.partnerDown().ok, true, 'the partner really is down');
    const f = await dora(pair.p, '0a:00:00:02:02:01', formatIp4(y));
    assert.ok(f === null || f.yiaddr !== y, `${formatIp4(y)} leased to F while E's lease from the secondary (${MCLT_S} s) still runs`);
  });

  // Sequence: a partition (both in partner-down); the secondary gives a new client D address Z from
  // its own free addresses (kept in its held updates). Contact returns and, before the two have
  // exchanged leases (the primary pulls the secondary's only once it reaches 'ready'), the operator
  // starts maintenance of the secondary on the primary, then shuts the secondary down as told.
  // in-maintenance sends no updates, so D's lease never reaches the primary, and partner-down by
  // 'maintenance' makes every address usable at once with reuseAt 0: Z goes to E while D holds it.
  it('does not take over for maintenance before it has the leases the partner granted while apart', async () => {
    const clock = new ShiftedClock();
    const link: Link = { up: true };
    const { p, s } = await aStartedPair('load-balancing', { clock, link, validLifetime: VALID_S, ha: { mclt: MCLT_S } });
    link.up = false;
    await bothPartnerDown(p, s);
    const d = await dora(s, '0a:00:00:03:01:01');
    assert.ok(isAck(d));
    const z = formatIp4(d.yiaddr);
    link.up = true;
    await p.service.heartbeatNow(); // the primary sees its partner again (not yet 'ready': nothing pulled)
    assert.equal(await p.store.get4(d.yiaddr), null, "the primary has not pulled D's lease");
    const started = await p.service.maintenanceStart();
    if (started.ok) {
      assert.equal(p.service.state(), 'partner-in-maintenance');
      await waitFor('secondary in maintenance', inState(s, 'in-maintenance'));
      await kill(s); // the documented next step: "the partner may be shut down"
      await waitFor('primary in partner-down', inState(p, 'partner-down'));
      const e = await dora(p, '0a:00:00:03:02:01', z);
      assert.ok(e !== null);
      assert.notEqual(formatIp4(e.yiaddr), z, `${z} leased to E while D's lease from the secondary still runs`);
    }
    // Refusing maintenance until the two have exchanged leases is a correct outcome too.
  });

  // Sequence: C (the secondary's client) holds X, acked by both, until t0+120. A partition; the
  // primary (partner-down, serving all) renews C at t0+100 for 80 s (until t0+180, correctly capped).
  // The primary then restarts: its held updates and unsent-update-count are memory only. On healing,
  // it pulls the secondary's leases (keeps its newer one), but the secondary, still in partner-down,
  // sees the partner 'ready' with an unchanged unsent-update-count (0 before, 0 after the restart)
  // and goes to the normal state WITHOUT pulling the primary's leases (states.ts partner-down:
  // !facts.partnerUnsentChanged). The secondary keeps C's lease ending at t0+120.
  // At t0+130 the secondary gives X to its new client D in the normal state; the primary refuses
  // (result 4) so D gets no ACK, but D's lease stays in the secondary's store, active. Later contact
  // is lost again: D retries, and the secondary "renews" that lease (engine.check's renewal path
  // never consults the HA policy) and ACKs X to D while C's lease from the primary runs to t0+180.
  it('after the primary restarts while apart, the survivor learns its leases and never ACKs a lease the partner refused', async () => {
    const pair = await aRestartablePair();
    const { clock, link, o } = pair;
    const c = await clientOf(pair.s, pair.p, '0a:00:00:04:01');
    const first = await dora(pair.s, c);
    assert.ok(isAck(first));
    assert.equal(leaseTime(first), VALID_S);
    const x = formatIp4(first.yiaddr);
    link.up = false;
    await bothPartnerDown(pair.p, pair.s);
    clock.advance(100);
    const renewed = await renew(pair.p, c, x);
    assert.ok(isAck(renewed), 'the primary renews C in partner-down');
    const cEnds = Math.floor(clock.now()) + leaseTime(renewed)!;
    // The primary restarts on its store while still cut off, then contact returns.
    await kill(pair.p);
    pair.p = await aNode('load-balancing', 'server1', () => pair.s, pair.p.store, o);
    pair.p.service.start();
    link.up = true;
    await waitFor('both back in load-balancing', () => pair.p.service.state() === 'load-balancing' && pair.s.service.state() === 'load-balancing', 10_000);
    const onS = await pair.s.store.get4(first.yiaddr);
    // docs/ha.md: "After any interruption both servers end with the same leases".
    const converged = onS !== null && onS.cltt + onS.validLifetime >= cEnds;
    clock.advance(30); // C's lease has ended on the secondary's books, not on the primary's (nor for C)
    const d = await clientOf(pair.s, pair.p, '0a:00:00:04:02');
    const dNormal = await dora(pair.s, d, x);
    assert.ok(!(isAck(dNormal) && formatIp4(dNormal.yiaddr) === x), 'X ACKed to D in the normal state while C holds it');
    link.up = false;
    await bothPartnerDown(pair.p, pair.s);
    const dApart = await dora(pair.s, d, x);
    const doubled = isAck(dApart) && formatIp4(dApart.yiaddr) === x && clock.now() < cEnds;
    assert.ok(!doubled, `X ACKed to D until ${leaseTime(dApart)} s from now while C's lease from the primary runs ${Math.round(cEnds - clock.now())} s more`);
    assert.ok(converged, "the secondary never learned the primary's renewal of C (its leases were not pulled after the primary's restart)");
  });
});
