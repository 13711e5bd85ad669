// The hook points high availability plugs into: admission (scopes), the MCLT lifetime cap, the
// partner's ack before an ACK, and the split of free addresses between partners.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp4 } from '../../src/util/index.ts';
import { Opt4, getIp4Option, getMessageType4, getUint32Option } from '../../src/codec/index.ts';
import { aMessage4, anInbound4, ip } from '../helpers/dhcp4-builders.ts';
import { aPipeline4, basicSubnet } from '../helpers/pipeline4.ts';

const DISCOVER = 1, REQUEST = 3, ACK = 5;

async function dora(p: Awaited<ReturnType<typeof aPipeline4>>, mac: string) {
  const offer = await p.reply(anInbound4(aMessage4(DISCOVER, { mac })));
  if (offer === null) return { offer, ack: null };
  const ack = await p.reply(anInbound4(aMessage4(REQUEST, {
    mac, requested: formatIp4(offer.yiaddr), serverId: formatIp4(getIp4Option(offer, Opt4.SERVER_ID)!),
  })));
  return { offer, ack };
}

describe('exchange hooks', () => {
  it('drops clients the server is not to answer, and counts them', async () => {
    const p = await aPipeline4(basicSubnet, { hooks: { admit: (ex) => ex.client.hwAddress !== '0a:00:00:00:00:02' } });
    assert.ok((await dora(p, '0a:00:00:00:00:01')).ack);
    assert.deepEqual(await p.process(anInbound4(aMessage4(DISCOVER, { mac: '0a:00:00:00:00:02' }))), { kind: 'drop', reason: 'not-our-scope' });
    assert.equal(p.stats.get('pkt4-receive-drop.not-our-scope'), 1);
  });

  it('caps the lease time offered, acknowledged and stored', async () => {
    const p = await aPipeline4(basicSubnet, { hooks: { maxLifetime: () => 600 } });
    const { offer, ack } = await dora(p, '0a:00:00:00:00:01');
    assert.equal(getUint32Option(offer!, Opt4.LEASE_TIME), 600);
    assert.equal(getUint32Option(ack!, Opt4.LEASE_TIME), 600);
    assert.equal((await p.store.get4(ack!.yiaddr))?.validLifetime, 600);
  });

  it('sends no ACK until the partner has the lease, and none when it does not', async () => {
    const seen: string[] = [];
    let partnerUp = true;
    const p = await aPipeline4(basicSubnet, { hooks: { afterCommit: async (lease) => { seen.push(formatIp4(lease.address)); return partnerUp; } } });
    const first = await dora(p, '0a:00:00:00:00:01');
    assert.equal(getMessageType4(first.ack!), ACK);
    assert.deepEqual(seen, [formatIp4(first.ack!.yiaddr)]);
    partnerUp = false;
    const second = await dora(p, '0a:00:00:00:00:02');
    assert.ok(second.offer);
    assert.equal(second.ack, null);
    assert.equal(p.stats.get('pkt4-receive-drop.partner-unacked'), 1);
  });

  it('allocates only the free addresses this server owns, but renews a client wherever its lease is', async () => {
    const mine = new Set([ip('10.0.0.12'), ip('10.0.0.13')]);
    let mayUseOthers = true;
    const p = await aPipeline4(basicSubnet);
    const { ack } = await dora(p, '0a:00:00:00:00:01'); // 10.0.0.10: not ours once the policy applies
    assert.equal(formatIp4(ack!.yiaddr), '10.0.0.10');
    p.engine.setAddressPolicy({ owns: (_s, a) => mine.has(a), mayUseOthers: () => mayUseOthers });
    mayUseOthers = false;
    const fresh = [];
    for (const mac of ['0a:00:00:00:00:02', '0a:00:00:00:00:03', '0a:00:00:00:00:04']) fresh.push((await dora(p, mac)).ack);
    assert.deepEqual(fresh.map((a) => a && formatIp4(a.yiaddr)), ['10.0.0.12', '10.0.0.13', null]);
    const renewed = await p.reply(anInbound4(aMessage4(REQUEST, { mac: '0a:00:00:00:00:01', ciaddr: '10.0.0.10' })));
    assert.equal(getMessageType4(renewed!), ACK);
    assert.equal(formatIp4(renewed!.yiaddr), '10.0.0.10');
  });
});
