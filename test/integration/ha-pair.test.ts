// The in-process HA pair (test/helpers/ha-inprocess.ts): failover, rejoin and the heartbeat.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp4 } from '../../src/util/index.ts';
import { Opt4, getMessageType4, getUint32Option } from '../../src/codec/index.ts';
import { createMemoryLeaseStore } from '../../src/store/index.ts';
import { isPrimaryQuery, sharedConfigHash } from '../../src/ha/index.ts';
import { aMessage4 } from '../helpers/dhcp4-builders.ts';
import {
  ACK, DISCOVER, REQUEST, aNode, aStartedPair, dora, dump, kill, stopNodes, waitFor,
} from '../helpers/ha-inprocess.ts';
import type { Node } from '../helpers/ha-inprocess.ts';

afterEach(stopNodes);

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
    // Renewal (ciaddr), then a fresh request: the same address. Without the partner's ack a lease may
    // run MCLT (60 s) past the expiry the partner knows (3600 s from the last ack): the subnet's 3600 s fits.
    const renew = await s.process(aMessage4(REQUEST, { mac, ciaddr: address }));
    assert.equal(getMessageType4(renew!), ACK);
    assert.equal(formatIp4(renew!.yiaddr), address);
    assert.equal(getUint32Option(renew!, Opt4.LEASE_TIME), 3600);
    const again = await dora(s, mac);
    assert.equal(formatIp4(again!.yiaddr), address);
    // A new client gets an address from the standby's own reserve, for MCLT only: the partner knows nothing of it.
    const fresh = await dora(s, '0a:00:00:00:00:99');
    assert.ok(fresh);
    assert.equal(getUint32Option(fresh!, Opt4.LEASE_TIME), 60);

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
    // The primary acked the secondary's 3600 s lease: up to that expiry + MCLT is allowed, so 3600 s.
    assert.equal(getUint32Option(taken!, Opt4.LEASE_TIME), 3600);
    const newcomer = await dora(p, '0a:00:00:00:02:01');
    assert.equal(getUint32Option(newcomer!, Opt4.LEASE_TIME), 60, 'a binding the partner never acked gets MCLT');
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
