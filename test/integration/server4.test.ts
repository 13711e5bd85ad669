import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIp4 } from '../../src/util/index.ts';
import { Opt4, decodeMessage4, getIp4Option, getMessageType4 } from '../../src/codec/index.ts';
import { createMemoryLogger } from '../../src/obs/index.ts';
import { startServer4 } from '../../src/runtime/index.ts';
import { createFakeTransport4 } from '../../src/transport/index.ts';
import { readStoredLeases4 } from '../../src/store/index.ts';
import { aMessage4, anInbound4, ip } from '../helpers/dhcp4-builders.ts';

function configFile(dir: string, pool: string, extra: object = {}): string {
  const path = join(dir, 'tandem.json');
  writeFileSync(path, JSON.stringify({
    Dhcp4: {
      'interfaces-config': { interfaces: ['v1'] },
      'lease-database': { type: 'memfile', name: join(dir, 'leases4.jsonl'), 'lfc-interval': 0 },
      subnet4: [{ id: 1, subnet: '10.0.0.0/24', interface: 'v1', pools: [{ pool }] }],
      ...extra,
    },
  }));
  return path;
}

async function aServer(dir: string, path: string) {
  const transport = createFakeTransport4({ links: [{ ifname: 'v1', address: ip('10.0.0.1'), prefixLength: 24, mac: null }] });
  const log = createMemoryLogger();
  const server = await startServer4({ configPath: path, log, createTransport: () => transport });
  /** Injects a packet and waits until the server has answered or dropped it. */
  const exchange = async (message: ReturnType<typeof aMessage4>) => {
    const before = transport.sent.length;
    const received = server.stats.get('pkt4-received');
    transport.inject({ ...anInbound4(message), link: transport.links()[0]! });
    for (let i = 0; i < 200 && server.stats.get('pkt4-received') === received; i++) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 200 && transport.sent.length === before && server.stats.get('pkt4-receive-drop') === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const sent = transport.sent[before];
    return sent === undefined ? null : decodeMessage4(sent.data);
  };
  return { server, transport, log, exchange };
}

describe('server runtime', () => {
  it('serves, keeps ACKed leases across a restart, and reloads atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-rt-'));
    try {
      const path = configFile(dir, '10.0.0.10 - 10.0.0.20');
      let s = await aServer(dir, path);
      const offer = await s.exchange(aMessage4(1, { mac: '0a:00:00:00:00:01' }));
      assert.equal(getMessageType4(offer!), 2);
      const ack = await s.exchange(aMessage4(3, {
        mac: '0a:00:00:00:00:01', requested: formatIp4(offer!.yiaddr), serverId: formatIp4(getIp4Option(offer!, Opt4.SERVER_ID)!),
      }));
      assert.equal(getMessageType4(ack!), 5);
      assert.equal(s.server.stats.get('subnet[1].assigned-addresses'), 1);
      assert.equal(s.server.stats.get('subnet[1].total-addresses'), 11);

      // A bad config is refused and the running one kept.
      writeFileSync(path, '{ "Dhcp4": { "subnet4": [ { "subnet": "10.0.0.0/24", "pools": [ { "pool": "10.9.9.1 - 10.9.9.2" } ] } ] } }');
      assert.equal(await s.server.reload(), false);
      assert.equal(s.server.config().subnets[0]!.pools[0]!.first, ip('10.0.0.10'));
      assert.ok(s.log.lines.some((l) => l.id === 'DHCP4_CONFIG_RELOAD_FAIL'));

      // A good one is applied.
      configFile(dir, '10.0.0.100 - 10.0.0.101');
      assert.equal(await s.server.reload(), true);
      assert.equal(s.server.stats.get('subnet[1].total-addresses'), 2);
      const offer2 = await s.exchange(aMessage4(1, { mac: '0a:00:00:00:00:02' }));
      assert.ok(offer2!.yiaddr >= ip('10.0.0.100'));

      await s.server.stop();
      assert.ok(s.log.lines.some((l) => l.id === 'DHCP4_SHUTDOWN'));
      const stored = readStoredLeases4(s.server.config().leaseDatabase);
      assert.deepEqual(stored.map((l) => [formatIp4(l.address), l.hwAddress]), [[formatIp4(ack!.yiaddr), '0a:00:00:00:00:01']]);

      s = await aServer(dir, path);
      assert.equal((await s.server.store.get4(ack!.yiaddr))?.hwAddress, '0a:00:00:00:00:01');
      await s.server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
