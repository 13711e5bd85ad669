// Host reservations: one by hw-address and one by client-id (option 61, sent by dhclient from its
// config) get their reserved address outside the pool, their hostname and a per-host option, while
// an unreserved client still gets a pool address with the subnet's options.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { baseDhcp4, dhclient, e2eSkipReason, ipInRange, servedLinkLab, closeServedLink, udhcpc } from '../helpers/lab/index.ts';
import type { LinkLab, ServerHandle } from '../helpers/lab/index.ts';

const skip = e2eSkipReason(['dhclient', 'udhcpc']);

const POOL = ['10.77.0.100', '10.77.0.150'] as const;
const CLIENT_ID = '01c0ffee000042'; // deliberately unrelated to any MAC in the lab
const CLIENT_ID_COLONS = '01:c0:ff:ee:00:00:42';

function config(hwMac: string): object {
  return baseDhcp4(['br0'], {
    subnet4: [
      {
        id: 1,
        subnet: '10.77.0.0/24',
        pools: [{ pool: `${POOL[0]} - ${POOL[1]}` }],
        'option-data': [
          { name: 'routers', data: '10.77.0.1' },
          { name: 'domain-name-servers', data: '10.77.0.53' },
        ],
        reservations: [
          {
            'hw-address': hwMac,
            'ip-address': '10.77.0.10',
            hostname: 'resv-hw',
            'option-data': [{ name: 'routers', data: '10.77.0.254' }],
          },
          {
            'client-id': CLIENT_ID_COLONS,
            'ip-address': '10.77.0.11',
            hostname: 'resv-cid',
            'option-data': [{ name: 'domain-name-servers', data: '10.77.0.98, 10.77.0.99' }],
          },
        ],
      },
    ],
  });
}

describe('e2e: host reservations', { skip: skip ?? false }, () => {
  let L: LinkLab | undefined;
  let srv: ServerHandle | undefined;

  before(async () => {
    ({ L, srv } = await servedLinkLab(3, (L) => {
      const c1 = L.clients[0];
      assert.ok(c1);
      return config(c1.mac);
    }));
  });
  after(() => closeServedLink(L, srv));

  const log = (): string => srv?.output().slice(-3000) ?? '';

  it('a client reserved by hw-address gets its address, hostname and per-host routers', async () => {
    assert.ok(L && srv);
    const c = L.clients[0];
    assert.ok(c);
    const r = await dhclient(L.lab, c.ns, c.ifname);
    assert.equal(r.address, '10.77.0.10', log());
    assert.equal(r.hostname, 'resv-hw');
    assert.deepEqual(r.routers, ['10.77.0.254'], 'host option overrides the subnet routers');
    assert.deepEqual(r.dns, ['10.77.0.53'], 'subnet option still applies');
    const stored = (await srv.leases()).find((l) => l['ip-address'] === '10.77.0.10');
    assert.ok(stored, 'reserved lease not stored');
    assert.equal(stored['hw-address'].toLowerCase(), c.mac);
  });

  it('a client reserved by client-id (option 61) gets its address, hostname and per-host DNS', async () => {
    assert.ok(L && srv);
    const c = L.clients[1];
    assert.ok(c);
    const r = await dhclient(L.lab, c.ns, c.ifname, { clientId: CLIENT_ID });
    assert.equal(r.address, '10.77.0.11', log());
    assert.equal(r.hostname, 'resv-cid');
    assert.deepEqual(r.dns, ['10.77.0.98', '10.77.0.99']);
    assert.deepEqual(r.routers, ['10.77.0.1']);
    const stored = (await srv.leases()).find((l) => l['ip-address'] === '10.77.0.11');
    assert.ok(stored, 'reserved lease not stored');
    assert.equal(stored['client-id']?.toLowerCase(), CLIENT_ID_COLONS);
    assert.equal(stored['hw-address'].toLowerCase(), c.mac);
  });

  it('the same client without its client-id is not given the reservation', async () => {
    assert.ok(L && srv);
    const c = L.clients[1];
    assert.ok(c);
    const r = await dhclient(L.lab, c.ns, c.ifname, { leaseFile: `${L.lab.tmpdir()}/no-cid.leases` });
    assert.ok(ipInRange(r.address, POOL[0], POOL[1]), `expected a pool address, got ${r.address}`);
  });

  it('an unreserved client gets a pool address and the subnet options', async () => {
    assert.ok(L && srv);
    const c = L.clients[2];
    assert.ok(c);
    const r = await udhcpc(L.lab, c.ns, c.ifname);
    assert.ok(ipInRange(r.address, POOL[0], POOL[1]), `expected a pool address, got ${r.address}; ${log()}`);
    assert.deepEqual(r.routers, ['10.77.0.1']);
    assert.deepEqual(r.dns, ['10.77.0.53']);
    assert.notEqual(r.hostname, 'resv-hw');
    assert.notEqual(r.hostname, 'resv-cid');
  });
});
