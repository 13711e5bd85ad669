// A three-address pool: three clients get distinct addresses, a fourth gets nothing, and the server
// keeps serving afterwards (a known client still gets its address back).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { baseDhcp4, dhclient, e2eSkipReason, ipInRange, servedLinkLab, closeServedLink, udhcpc } from '../helpers/lab/index.ts';
import type { LinkLab, ServerHandle } from '../helpers/lab/index.ts';

const skip = e2eSkipReason(['dhclient', 'udhcpc']);

const POOL = ['10.77.0.100', '10.77.0.102'] as const;
const dhcp4 = baseDhcp4(['br0'], {
  subnet4: [{ id: 1, subnet: '10.77.0.0/24', pools: [{ pool: `${POOL[0]} - ${POOL[1]}` }] }],
});

describe('e2e: pool exhaustion', { skip: skip ?? false }, () => {
  let L: LinkLab | undefined;
  let srv: ServerHandle | undefined;
  const got: string[] = [];
  const leaseFile = (i: number): string => `${L?.lab.tmpdir() ?? ''}/exh-c${i}.leases`;

  before(async () => {
    ({ L, srv } = await servedLinkLab(4, dhcp4));
  });
  after(() => closeServedLink(L, srv));

  it('three clients get the three distinct pool addresses', async () => {
    assert.ok(L && srv);
    for (let i = 0; i < 3; i++) {
      const c = L.clients[i];
      assert.ok(c);
      const r = await dhclient(L.lab, c.ns, c.ifname, { leaseFile: leaseFile(i) });
      assert.ok(ipInRange(r.address, POOL[0], POOL[1]), `client ${i + 1} got ${r.address}; ${srv.output().slice(-2000)}`);
      got.push(r.address ?? '');
    }
    assert.deepEqual([...got].sort(), ['10.77.0.100', '10.77.0.101', '10.77.0.102']);
    const stored = (await srv.leases()).filter((l) => l.state === 0);
    assert.equal(stored.length, 3);
    for (let i = 0; i < 3; i++) {
      const l = stored.find((x) => x['ip-address'] === got[i]);
      assert.equal(l?.['hw-address'].toLowerCase(), L.clients[i]?.mac);
    }
  });

  it('a fourth client gets nothing', async () => {
    assert.ok(L && srv);
    const c = L.clients[3];
    assert.ok(c);
    const r = await udhcpc(L.lab, c.ns, c.ifname, { timeoutS: 4 });
    assert.equal(r.address, null, `the fourth client got ${r.address}`);
    const d = await dhclient(L.lab, c.ns, c.ifname, { timeoutS: 5 });
    assert.equal(d.address, null, `the fourth client got ${d.address} via dhclient`);
    const stored = await srv.leases();
    assert.ok(!stored.some((l) => l['hw-address'].toLowerCase() === c.mac && l.state === 0), 'no lease stored for the fourth client');
  });

  it('the server still serves: a known client gets its address again (INIT-REBOOT)', async () => {
    assert.ok(L && srv);
    const c = L.clients[0];
    assert.ok(c && got[0]);
    const r = await dhclient(L.lab, c.ns, c.ifname, { leaseFile: leaseFile(0) });
    assert.equal(r.address, got[0], srv.output().slice(-2000));
    assert.equal(r.raw['reason'], 'REBOOT', 'dhclient with a lease file asks for its old address');
    const stored = (await srv.leases()).filter((l) => l.state === 0);
    assert.equal(stored.length, 3);
  });
});
