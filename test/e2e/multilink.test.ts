// One server directly attached to two links (two veths into two client namespaces); each subnet is
// bound to its link with "interface", and each client gets an address from its own link's subnet.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { baseDhcp4, clientMac, createLab, dhclient, e2eSkipReason, ipInRange, startServer, udhcpc } from '../helpers/lab/index.ts';
import type { Lab, Ns, ServerHandle } from '../helpers/lab/index.ts';

const skip = e2eSkipReason(['dhclient', 'udhcpc']);

const dhcp4 = baseDhcp4(['e1', 'e2'], {
  subnet4: [
    {
      id: 81,
      subnet: '10.81.0.0/24',
      interface: 'e1',
      pools: [{ pool: '10.81.0.100 - 10.81.0.199' }],
      'option-data': [{ name: 'routers', data: '10.81.0.1' }],
    },
    {
      id: 82,
      subnet: '10.82.0.0/24',
      interface: 'e2',
      pools: [{ pool: '10.82.0.100 - 10.82.0.199' }],
      'option-data': [{ name: 'routers', data: '10.82.0.1' }],
    },
  ],
});

describe('e2e: one server, two directly attached links', { skip: skip ?? false }, () => {
  let lab: Lab | undefined;
  let srv: ServerHandle | undefined;
  const c: { ns: Ns; mac: string }[] = [];

  before(async () => {
    lab = await createLab();
    const s = await lab.namespace('s');
    for (const i of [1, 2]) {
      const ns = await lab.namespace(`c${i}`);
      const mac = clientMac(lab, i);
      await lab.veth(s, `e${i}`, ns, 'eth0', { aAddr: `10.8${i}.0.1/24`, bMac: mac });
      c.push({ ns, mac });
    }
    srv = await startServer(lab, s, dhcp4);
  });
  after(async () => {
    try {
      await srv?.stop();
    } finally {
      await lab?.destroy();
    }
  });

  it('the client on link 1 gets an address from 10.81.0.0/24', async () => {
    assert.ok(lab && srv && c[0]);
    const r = await dhclient(lab, c[0].ns, 'eth0');
    assert.ok(ipInRange(r.address, '10.81.0.100', '10.81.0.199'), `got ${r.address}; ${srv.output().slice(-2000)}`);
    assert.deepEqual(r.routers, ['10.81.0.1']);
    assert.equal(r.serverId, '10.81.0.1');
    const l = (await srv.leases()).find((x) => x['ip-address'] === r.address);
    assert.equal(l?.['subnet-id'], 81);
    assert.equal(l?.['hw-address'].toLowerCase(), c[0].mac);
  });

  it('the client on link 2 gets an address from 10.82.0.0/24', async () => {
    assert.ok(lab && srv && c[1]);
    const r = await udhcpc(lab, c[1].ns, 'eth0');
    assert.ok(ipInRange(r.address, '10.82.0.100', '10.82.0.199'), `got ${r.address}; ${srv.output().slice(-2000)}`);
    assert.deepEqual(r.routers, ['10.82.0.1']);
    assert.equal(r.serverId, '10.82.0.1');
    const l = (await srv.leases()).find((x) => x['ip-address'] === r.address);
    assert.equal(l?.['subnet-id'], 82);
    assert.equal(l?.['hw-address'].toLowerCase(), c[1].mac);
  });
});
