// The life of a lease with real clients: renewal keeps the address (seen on the wire), RELEASE frees
// it for another client, and DECLINE (dhcpcd's ARP probe finds a squatter) puts it on probation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { baseDhcp4, capture, dhclient, dhclientRelease, dhclientStart, dhcpcd, dhcpPackets, DHCP_MSG, e2eSkipReason, servedLinkLab, closeServedLink, udhcpc } from '../helpers/lab/index.ts';
import type { LinkLab, ServerHandle } from '../helpers/lab/index.ts';

const skip = e2eSkipReason(['dhclient', 'udhcpc', 'dhcpcd', 'tcpdump']);
const ONE = '10.77.0.100';

function onePool(extra: Record<string, unknown> = {}): object {
  return baseDhcp4(['br0'], { subnet4: [{ id: 1, subnet: '10.77.0.0/24', pools: [{ pool: `${ONE} - ${ONE}` }] }], ...extra });
}

function labWithServer(clients: number, dhcp4: object): { get: () => { L: LinkLab; srv: ServerHandle } } {
  let L: LinkLab | undefined;
  let srv: ServerHandle | undefined;
  before(async () => {
    ({ L, srv } = await servedLinkLab(clients, dhcp4));
  });
  after(() => closeServedLink(L, srv));
  return {
    get: () => {
      assert.ok(L && srv, 'lab not set up');
      return { L, srv };
    },
  };
}

describe('e2e lifecycle: renewal', { skip: skip ?? false }, () => {
  const env = labWithServer(1, onePool({ 'valid-lifetime': 30, 'renew-timer': 3, 'rebind-timer': 20 }));

  it('dhclient renews at T1 by unicast REQUEST with ciaddr set, and keeps its address', async () => {
    const { L, srv } = env.get();
    const c = L.clients[0];
    assert.ok(c);
    const cap = await capture(L.lab, L.server, 'br0', { filter: 'udp and (port 67 or port 68)' });
    const s = await dhclientStart(L.lab, c.ns, c.ifname);
    try {
      const first = await s.waitBound(0, 20_000);
      assert.equal(first?.address, ONE, srv.output().slice(-2000));
      const n = s.events().length;
      const firstCltt = (await srv.leases()).find((l) => l['ip-address'] === ONE)?.cltt;
      const renewed = await s.waitBound(n, 15_000);
      assert.ok(renewed, `no renewal within 15 s; client:\n${s.proc.output()}`);
      assert.equal(renewed.raw['reason'], 'RENEW');
      assert.equal(renewed.address, ONE);

      const pkts = dhcpPackets(await cap.stop());
      const req = pkts.find((p) => p.messageType === DHCP_MSG.REQUEST && p.ciaddr === ONE && p.chaddr === c.mac);
      assert.ok(req, 'a renewing REQUEST with ciaddr set was sent');
      assert.equal(req.pkt.srcIp, ONE, 'renewal is unicast from the leased address');
      assert.equal(req.pkt.dstIp, L.serverIp);
      assert.ok(!req.options.has(50), 'RENEWING must not carry option 50');
      const ack = pkts.find((p) => p.messageType === DHCP_MSG.ACK && p.xid === req.xid);
      assert.ok(ack, 'the renewal was ACKed');
      assert.equal(ack.yiaddr, ONE);

      const lease = (await srv.leases()).find((l) => l['ip-address'] === ONE);
      assert.ok(lease);
      assert.equal(lease['hw-address'].toLowerCase(), c.mac);
      assert.ok(firstCltt !== undefined && lease.cltt >= firstCltt, 'the renewal refreshed the lease');
    } finally {
      await s.stop();
    }
  });
});

describe('e2e lifecycle: release', { skip: skip ?? false }, () => {
  const env = labWithServer(2, onePool());

  it('RELEASE frees the only address, and another client then gets it', async () => {
    const { L, srv } = env.get();
    const [c1, c2] = L.clients;
    assert.ok(c1 && c2);
    const lf = `${L.lab.tmpdir()}/release-c1.leases`;
    const r1 = await dhclient(L.lab, c1.ns, c1.ifname, { leaseFile: lf });
    assert.equal(r1.address, ONE, srv.output().slice(-2000));

    const blocked = await udhcpc(L.lab, c2.ns, c2.ifname, { timeoutS: 3 });
    assert.equal(blocked.address, null, 'the one-address pool is in use');

    await dhclientRelease(L.lab, c1.ns, c1.ifname, lf);
    const deadline = Date.now() + 5_000;
    let active = true;
    while (active && Date.now() < deadline) {
      active = (await srv.leases()).some((l) => l['ip-address'] === ONE && l.state === 0 && l['valid-lft'] > 0);
      if (active) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(active, false, `the released lease is still active; ${srv.output().slice(-2000)}`);

    const r2 = await udhcpc(L.lab, c2.ns, c2.ifname, { timeoutS: 5 });
    assert.equal(r2.address, ONE, 'another client gets the released address');
    const lease = (await srv.leases()).find((l) => l['ip-address'] === ONE);
    assert.equal(lease?.['hw-address'].toLowerCase(), c2.mac);
  });
});

describe('e2e lifecycle: decline', { skip: skip ?? false }, () => {
  const env = labWithServer(2, onePool({ 'decline-probation-period': 3600 }));

  it('dhcpcd finds a squatter by ARP, declines, and the address stays on probation', async () => {
    const { L, srv } = env.get();
    const [c1, c2] = L.clients;
    assert.ok(c1 && c2);
    // A host already using the only pool address, on the same link (plugged into the server's bridge).
    const squatter = await L.lab.namespace('q');
    await L.lab.veth(L.server, 'pq', squatter, 'eth0', { bAddr: `${ONE}/24` });
    await L.lab.ip(L.server, ['link', 'set', 'pq', 'master', 'br0']);
    await L.lab.waitCarrier(L.server, 'br0');

    const cap = await capture(L.lab, L.server, 'br0', { filter: 'udp and (port 67 or port 68)' });
    const r = await dhcpcd(L.lab, c1.ns, c1.ifname, { timeoutS: 20 });
    const pkts = dhcpPackets(await cap.stop());
    assert.equal(r.address, null, `dhcpcd should not keep a conflicting address (got ${r.address})`);
    const decline = pkts.find((p) => p.messageType === DHCP_MSG.DECLINE && p.chaddr === c1.mac);
    assert.ok(decline, `dhcpcd sent no DHCPDECLINE; client:\n${String(r.raw['output']).slice(-2500)}`);

    const lease = (await srv.leases()).find((l) => l['ip-address'] === ONE);
    assert.ok(lease, `no record of the declined address; ${srv.output().slice(-2000)}`);
    assert.equal(lease.state, 1, 'the address is marked declined');
    const offersAfter = pkts.filter((p) => p.messageType === DHCP_MSG.OFFER && p.pkt.timeMs > decline.pkt.timeMs);
    assert.equal(offersAfter.length, 0, 'no offer of the declined address after the DECLINE');

    const other = await udhcpc(L.lab, c2.ns, c2.ifname, { timeoutS: 3 });
    assert.equal(other.address, null, 'during probation nobody gets the declined address');
    assert.equal((await srv.leases()).find((l) => l['ip-address'] === ONE)?.state, 1);
  });
});
