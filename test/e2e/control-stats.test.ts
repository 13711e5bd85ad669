// After a run of real clients, `tandem stats --json` and GET /metrics agree with the lease store
// as `tandem leases --json` (lease4-get-all) reports it: assigned and declined counts per subnet.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseDhcp4, closeServedLink, dhclient, e2eSkipReason, run, servedLinkLab, TANDEM_BIN, udhcpc } from '../helpers/lab/index.ts';
import type { LinkLab, ServerHandle } from '../helpers/lab/index.ts';

const skip = e2eSkipReason(['dhclient', 'udhcpc']);
const PORT = 8000;

describe('e2e: tandem stats and /metrics agree with the lease store', { skip: skip ?? false }, () => {
  let L: LinkLab | undefined;
  let srv: ServerHandle | undefined;

  before(async () => {
    ({ L, srv } = await servedLinkLab(5, (L) => baseDhcp4(['br0'], {
      subnet4: [
        { id: 1, subnet: '10.77.0.0/24', pools: [{ pool: '10.77.0.100 - 10.77.0.149' }] },
        { id: 9, subnet: '10.79.0.0/24', pools: [{ pool: '10.79.0.10 - 10.79.0.19' }] },
      ],
      'control-sockets': [
        { 'socket-type': 'unix', 'socket-name': join(L.lab.tmpdir(), 'ctrl.sock') },
        { 'socket-type': 'http', 'socket-address': '127.0.0.1', 'socket-port': PORT },
      ],
    })));
  });
  after(() => closeServedLink(L, srv));

  const tandem = async (...args: string[]) => {
    const r = await run([process.execPath, TANDEM_BIN, ...args, '--config', srv!.configPath, '--json'], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, `tandem ${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as unknown;
  };

  it('counts agree after clients were served (and one lease added by API in an unattached subnet)', async () => {
    assert.ok(L && srv);
    for (const [i, c] of L.clients.entries()) {
      const r = i % 2 === 0 ? await udhcpc(L.lab, c.ns, c.ifname) : await dhclient(L.lab, c.ns, c.ifname);
      assert.ok(r.address !== null, `client ${i} got no lease; ${srv.output().slice(-2000)}`);
    }
    const add = await run([process.execPath, TANDEM_BIN, 'lease', 'add', '10.79.0.12', '--mac', '02:99:00:00:00:01',
      '--subnet', '9', '--config', srv.configPath], { timeoutMs: 20_000 });
    assert.equal(add.code, 0, add.stderr);

    const leases = await tandem('leases') as { 'subnet-id': number; state: number }[];
    const stats = await tandem('stats') as { 'subnet-id': number; size: number; assigned: number; declined: number; free: number }[];
    const probe = join(L.lab.tmpdir(), 'metrics.mjs');
    writeFileSync(probe, `const r = await fetch('http://127.0.0.1:${PORT}/metrics'); process.stdout.write(await r.text());`);
    const m = await L.lab.exec(L.server, [process.execPath, probe], { timeoutMs: 20_000 });
    assert.equal(m.code, 0, m.stderr);
    const metric = (name: string, id: number): number | null => {
      const line = m.stdout.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`subnet_id="${id}"`));
      return line === undefined ? null : Number(line.split(' ').at(-1));
    };

    assert.equal(leases.length, L.clients.length + 1);
    for (const id of [1, 9]) {
      const assigned = leases.filter((l) => l['subnet-id'] === id && l.state === 0).length;
      const declined = leases.filter((l) => l['subnet-id'] === id && l.state === 1).length;
      const row = stats.find((s) => s['subnet-id'] === id);
      assert.ok(row, `tandem stats has no row for subnet ${id}`);
      assert.equal(row.assigned, assigned, `stats assigned, subnet ${id}`);
      assert.equal(row.declined, declined, `stats declined, subnet ${id}`);
      assert.equal(row.size, id === 1 ? 50 : 10);
      assert.equal(row.free, row.size - assigned - declined);
      assert.equal(metric('tandem_subnet_addresses_assigned', id), assigned, `metrics assigned, subnet ${id}:\n${m.stdout}`);
      assert.equal(metric('tandem_subnet_addresses_declined', id), declined, `metrics declined, subnet ${id}`);
      assert.equal(metric('tandem_subnet_addresses_total', id), row.size, `metrics total, subnet ${id}`);
    }
    assert.equal(stats.find((s) => s['subnet-id'] === 1)?.assigned, L.clients.length);
  });
});
