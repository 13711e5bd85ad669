// A relayed client: client ns — veth — relay ns (ISC dhcrelay -a, adding option 82) — veth — server.
// The client gets an address from the subnet its giaddr names, and the server's replies carry the
// relay agent information (option 82) back byte for byte.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { baseDhcp4, capture, clientMac, createLab, dhclient, dhcpPackets, DHCP_MSG, e2eSkipReason, ipInRange, startServer } from '../helpers/lab/index.ts';
import type { Lab, LabProcess, Ns, ServerHandle } from '../helpers/lab/index.ts';

const skip = e2eSkipReason(['dhclient', 'dhcrelay', 'tcpdump']);

const SERVER_IP = '10.99.0.1';
const RELAY_UP_IP = '10.99.0.2';
const GIADDR = '10.90.0.1';

const dhcp4 = baseDhcp4(['e0'], {
  subnet4: [
    {
      // a decoy relayed subnet: must not be chosen for giaddr 10.90.0.1
      id: 91,
      subnet: '10.91.0.0/24',
      relay: { 'ip-addresses': ['10.91.0.1'] },
      pools: [{ pool: '10.91.0.100 - 10.91.0.199' }],
      'option-data': [{ name: 'routers', data: '10.91.0.1' }],
    },
    {
      id: 90,
      subnet: '10.90.0.0/24',
      relay: { 'ip-addresses': [GIADDR] },
      pools: [{ pool: '10.90.0.100 - 10.90.0.199' }],
      'option-data': [{ name: 'routers', data: GIADDR }],
    },
  ],
});

describe('e2e: relayed client (dhcrelay with option 82)', { skip: skip ?? false }, () => {
  let lab: Lab | undefined;
  let srv: ServerHandle | undefined;
  let relay: LabProcess | undefined;
  let client: Ns | undefined;
  let relayNs: Ns | undefined;
  let mac = '';

  before(async () => {
    lab = await createLab();
    const s = await lab.namespace('s');
    relayNs = await lab.namespace('r');
    client = await lab.namespace('c1');
    mac = clientMac(lab, 1);
    await lab.veth(relayNs, 'rd', client, 'eth0', { aAddr: `${GIADDR}/24`, bMac: mac });
    await lab.veth(relayNs, 'ru', s, 'e0', { aAddr: `${RELAY_UP_IP}/24`, bAddr: `${SERVER_IP}/24` });
    await lab.ip(s, ['route', 'add', '10.90.0.0/24', 'via', RELAY_UP_IP]);
    srv = await startServer(lab, s, dhcp4);
    relay = lab.spawn(relayNs, ['dhcrelay', '-4', '-d', '-a', '-pf', `${lab.tmpdir()}/dhcrelay.pid`, '-id', 'rd', '-iu', 'ru', SERVER_IP]);
    await relay.waitFor(/Sending on\s+Socket\/fallback/, 10_000);
  });
  after(async () => {
    try {
      await relay?.kill();
      await srv?.stop();
    } finally {
      await lab?.destroy();
    }
  });

  it('the client gets an address from the giaddr subnet and option 82 comes back unchanged', async () => {
    assert.ok(lab && srv && client && relayNs && relay);
    const cap = await capture(lab, relayNs, 'ru', { filter: 'udp and (port 67 or port 68)' });
    const r = await dhclient(lab, client, 'eth0');
    const pkts = dhcpPackets(await cap.stop());
    const diag = `server:\n${srv.output().slice(-2000)}\nrelay:\n${relay.output().slice(-1500)}`;

    assert.ok(ipInRange(r.address, '10.90.0.100', '10.90.0.199'), `client got ${r.address}; ${diag}`);
    assert.deepEqual(r.routers, [GIADDR]);
    assert.equal(r.serverId, SERVER_IP);

    const lease = (await srv.leases()).find((l) => l['ip-address'] === r.address);
    assert.ok(lease, 'relayed lease not stored');
    assert.equal(lease['subnet-id'], 90);
    assert.equal(lease['hw-address'].toLowerCase(), mac);

    const up = pkts.filter((p) => p.op === 1 && p.pkt.srcIp === RELAY_UP_IP && p.chaddr === mac);
    const down = pkts.filter((p) => p.op === 2 && p.pkt.srcIp === SERVER_IP && p.chaddr === mac);
    assert.ok(up.length >= 2, `expected relayed DISCOVER and REQUEST, saw ${up.length}`);
    assert.ok(down.length >= 2, `expected OFFER and ACK from the server, saw ${down.length}`);
    for (const p of up) {
      assert.equal(p.giaddr, GIADDR);
      assert.ok(p.options.has(82), 'the relay added option 82');
    }
    for (const type of [DHCP_MSG.OFFER, DHCP_MSG.ACK]) {
      const reply = down.find((p) => p.messageType === type);
      assert.ok(reply, `no message type ${type} from the server`);
      assert.equal(reply.giaddr, GIADDR);
      assert.equal(reply.yiaddr, r.address);
      const req = up.filter((p) => p.xid === reply.xid).at(-1);
      assert.ok(req, 'reply matches a relayed request by xid');
      const sent = req.options.get(82);
      const echoed = reply.options.get(82);
      assert.ok(sent && echoed, `option 82 missing from the reply (type ${type})`);
      assert.deepEqual(Buffer.from(echoed).toString('hex'), Buffer.from(sent).toString('hex'));
    }
  });
});
