// Three real DHCP clients (ISC dhclient, busybox udhcpc, dhcpcd) each get a pool address and the
// configured options, as read on the client side, and the server stores the lease with their MAC.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { baseDhcp4, dhclient, dhcpcd, e2eSkipReason, ipInRange, servedLinkLab, closeServedLink, udhcpc } from '../helpers/lab/index.ts';
import type { ClientResult, LinkLab, ServerHandle } from '../helpers/lab/index.ts';

const skip = e2eSkipReason(['dhclient', 'udhcpc', 'dhcpcd']);

const POOL = ['10.77.0.100', '10.77.0.150'] as const;
const dhcp4 = baseDhcp4(['br0'], {
  subnet4: [
    {
      id: 1,
      subnet: '10.77.0.0/24',
      pools: [{ pool: `${POOL[0]} - ${POOL[1]}` }],
      'option-data': [
        { name: 'routers', data: '10.77.0.1' },
        { name: 'domain-name-servers', data: '10.77.0.53, 10.77.0.54' },
        { name: 'domain-name', data: 'lab.example' },
        { name: 'ntp-servers', data: '10.77.0.123' },
      ],
    },
  ],
});

describe('e2e: real clients get a lease and options', { skip: skip ?? false }, () => {
  let L: LinkLab | undefined;
  let srv: ServerHandle | undefined;
  const seen = new Set<string>();

  before(async () => {
    ({ L, srv } = await servedLinkLab(3, dhcp4));
  });
  after(() => closeServedLink(L, srv));

  const clients = [
    ['dhclient', dhclient],
    ['udhcpc', udhcpc],
    ['dhcpcd', dhcpcd],
  ] as const;

  clients.forEach(([name, run], i) => {
    it(`${name} gets a pool address, routers, two DNS servers, domain and NTP`, async () => {
      assert.ok(L && srv);
      const c = L.clients[i];
      assert.ok(c);
      const r: ClientResult = await run(L.lab, c.ns, c.ifname, { timeoutS: 15 });
      assert.ok(r.address, `${name} got no address; server log:\n${srv.output().slice(-3000)}\nclient: ${JSON.stringify(r.raw).slice(0, 3000)}`);
      assert.ok(ipInRange(r.address, POOL[0], POOL[1]), `${r.address} outside the pool`);
      assert.ok(!seen.has(r.address), `${r.address} handed out twice`);
      seen.add(r.address);
      assert.equal(r.prefixLength, 24);
      assert.deepEqual(r.routers, ['10.77.0.1']);
      assert.deepEqual(r.dns, ['10.77.0.53', '10.77.0.54']);
      assert.equal(r.domain, 'lab.example');
      assert.deepEqual(r.ntp, ['10.77.0.123']);
      assert.equal(r.serverId, L.serverIp);
      assert.equal(r.leaseTime, 600);

      const stored = (await srv.leases()).find((l) => l['ip-address'] === r.address);
      assert.ok(stored, `lease for ${r.address} not in the server's store`);
      assert.equal(stored['hw-address'].toLowerCase(), c.mac);
      assert.equal(stored['subnet-id'], 1);
      assert.equal(stored['valid-lft'], 600);
      assert.equal(stored.state, 0);
    });
  });
});
