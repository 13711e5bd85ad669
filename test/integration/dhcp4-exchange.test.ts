import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp4 } from '../../src/util/index.ts';
import { Opt4, getIp4Option, getMessageType4, getUint32Option, formatOptionData4, findOptionDef4 } from '../../src/codec/index.ts';
import type { Message4 } from '../../src/codec/index.ts';
import { aMessage4, anInbound4, ip } from '../helpers/dhcp4-builders.ts';
import { aPipeline4, basicSubnet } from '../helpers/pipeline4.ts';

const DISCOVER = 1, REQUEST = 3, DECLINE = 4, RELEASE = 7, INFORM = 8;
const OFFER = 2, ACK = 5, NAK = 6;

const opt = (m: Message4, name: string) => {
  const def = findOptionDef4(name)!;
  const data = m.options.get(def.code);
  return data === undefined ? undefined : formatOptionData4(def, data);
};

/** DISCOVER then REQUEST (SELECTING); returns the ACK or NAK. */
async function dora(p: Awaited<ReturnType<typeof aPipeline4>>, mac: string, extra: Parameters<typeof aMessage4>[1] = {}) {
  const offer = await p.reply(anInbound4(aMessage4(DISCOVER, { mac, ...extra })));
  if (offer === null) return { offer, ack: null };
  const ack = await p.reply(anInbound4(aMessage4(REQUEST, {
    mac, ...extra, requested: formatIp4(offer.yiaddr), serverId: formatIp4(getIp4Option(offer, Opt4.SERVER_ID)!),
  })));
  return { offer, ack };
}

describe('DHCPv4 exchange', () => {
  it('offers a pool address with the configured options and writes nothing', async () => {
    const p = await aPipeline4(basicSubnet);
    const offer = await p.reply(anInbound4(aMessage4(DISCOVER)));
    assert.ok(offer);
    assert.equal(getMessageType4(offer), OFFER);
    assert.ok(offer.yiaddr >= ip('10.0.0.10') && offer.yiaddr <= ip('10.0.0.20'));
    assert.equal(opt(offer, 'routers'), '10.0.0.1');
    assert.equal(opt(offer, 'domain-name-servers'), '10.0.0.2, 10.0.0.3');
    assert.equal(opt(offer, 'domain-name'), 'example.test');
    assert.equal(opt(offer, 'subnet-mask'), '255.255.255.0');
    assert.equal(getUint32Option(offer, Opt4.LEASE_TIME), 3600);
    assert.equal(getIp4Option(offer, Opt4.SERVER_ID), ip('10.0.0.1'));
    assert.deepEqual(await p.store.scan4(null, 10), []);
  });

  it('ACKs a REQUEST in SELECTING and stores the lease', async () => {
    const p = await aPipeline4(basicSubnet);
    const { offer, ack } = await dora(p, '0a:00:00:00:00:07', { hostname: 'laptop' });
    assert.equal(getMessageType4(ack!), ACK);
    assert.equal(ack!.yiaddr, offer!.yiaddr);
    assert.equal(getUint32Option(ack!, Opt4.RENEWAL_TIME), 1800);
    assert.equal(getUint32Option(ack!, Opt4.REBINDING_TIME), 3150);
    const lease = await p.store.get4(ack!.yiaddr);
    assert.equal(lease?.hwAddress, '0a:00:00:00:00:07');
    assert.equal(lease?.hostname, 'laptop');
    assert.equal(lease?.state, 'default');
    assert.ok(p.log.lines.some((l) => l.msg === `DHCPACK on ${formatIp4(ack!.yiaddr)} to 0a:00:00:00:00:07 (laptop) via v1`));
  });

  it('does not offer one address to two clients discovering at once', async () => {
    const p = await aPipeline4(basicSubnet);
    const [a, b] = await Promise.all([
      p.reply(anInbound4(aMessage4(DISCOVER, { mac: '0a:00:00:00:00:01' }))),
      p.reply(anInbound4(aMessage4(DISCOVER, { mac: '0a:00:00:00:00:02' }))),
    ]);
    assert.notEqual(a!.yiaddr, b!.yiaddr);
  });

  it('ignores a REQUEST that names another server, and stores nothing', async () => {
    const p = await aPipeline4(basicSubnet);
    const out = await p.process(anInbound4(aMessage4(REQUEST, { requested: '10.0.0.10', serverId: '10.0.0.99' })));
    assert.deepEqual(out, { kind: 'drop', reason: 'not-for-us' });
    assert.equal(await p.store.get4(ip('10.0.0.10')), null);
    assert.equal(p.stats.get('pkt4-receive-drop.not-for-us'), 1);
  });

  it('NAKs an INIT-REBOOT for an address on another network', async () => {
    const p = await aPipeline4(basicSubnet);
    const nak = await p.reply(anInbound4(aMessage4(REQUEST, { requested: '192.168.7.7' })));
    assert.equal(getMessageType4(nak!), NAK);
    assert.equal(nak!.yiaddr, 0);
  });

  it('renews the same address and moves cltt on', async () => {
    const p = await aPipeline4(basicSubnet);
    const { ack } = await dora(p, '0a:00:00:00:00:08');
    const before = await p.store.get4(ack!.yiaddr);
    p.clock.advance(1800);
    const renewed = await p.reply(anInbound4(aMessage4(REQUEST, { mac: '0a:00:00:00:00:08', ciaddr: formatIp4(ack!.yiaddr) }), {}, formatIp4(ack!.yiaddr)));
    assert.equal(getMessageType4(renewed!), ACK);
    assert.equal(renewed!.yiaddr, ack!.yiaddr);
    const after = await p.store.get4(ack!.yiaddr);
    assert.equal(after!.cltt, before!.cltt + 1800);
  });

  it('NAKs an INIT-REBOOT for an address other than the client\'s lease, keeping the lease', async () => {
    const p = await aPipeline4({ ...basicSubnet, authoritative: true });
    const { ack } = await dora(p, '0a:00:00:00:00:05');
    const nak = await p.reply(anInbound4(aMessage4(REQUEST, { mac: '0a:00:00:00:00:05', requested: '10.0.0.19' })));
    assert.equal(getMessageType4(nak!), NAK);
    assert.equal((await p.store.get4(ack!.yiaddr))?.state, 'default');
    assert.equal(await p.store.get4(ip('10.0.0.19')), null);
  });

  it('renews a lease even when the client has an older released one (non-authoritative)', async () => {
    const p = await aPipeline4(basicSubnet);
    const first = await dora(p, '0a:00:00:00:00:06');
    await p.process(anInbound4(aMessage4(RELEASE, { mac: '0a:00:00:00:00:06', ciaddr: formatIp4(first.ack!.yiaddr), serverId: '10.0.0.1' })));
    await dora(p, '0a:00:00:00:00:99', { requested: formatIp4(first.ack!.yiaddr) }); // someone else takes the released address
    const second = await dora(p, '0a:00:00:00:00:06');
    assert.notEqual(second.ack!.yiaddr, first.ack!.yiaddr);
    const renewed = await p.reply(anInbound4(aMessage4(REQUEST, { mac: '0a:00:00:00:00:06', ciaddr: formatIp4(second.ack!.yiaddr) })));
    assert.equal(getMessageType4(renewed!), ACK);
  });

  it('moves a client to its reservation, and serves it from the pool while the reserved address is taken', async () => {
    const cfg = structuredClone(basicSubnet) as typeof basicSubnet & { subnet4: Array<Record<string, unknown>> };
    cfg.subnet4[0]!['reservations'] = [{ 'hw-address': '0a:00:00:00:00:aa', 'ip-address': '10.0.0.200' }];
    const p = await aPipeline4(cfg);
    // 10.0.0.200 is held by another client's lease (e.g. from before the reservation was made).
    await p.store.insert4({ address: ip('10.0.0.200'), hwAddress: '0a:00:00:00:00:bb', clientId: null, subnetId: 1,
      cltt: p.clock.now(), validLifetime: 3600, hostname: '', state: 'default' });
    const meanwhile = await dora(p, '0a:00:00:00:00:aa');
    assert.ok(meanwhile.ack!.yiaddr >= ip('10.0.0.10') && meanwhile.ack!.yiaddr <= ip('10.0.0.20'));
    const held = (await p.store.get4(ip('10.0.0.200')))!;
    await p.store.remove4(held.address, { cltt: held.cltt, validLifetime: held.validLifetime });
    const renew = await p.reply(anInbound4(aMessage4(REQUEST, { mac: '0a:00:00:00:00:aa', ciaddr: formatIp4(meanwhile.ack!.yiaddr) })));
    assert.equal(getMessageType4(renew!), NAK, 'the renewal of the pool address is refused so the client moves');
    const moved = await dora(p, '0a:00:00:00:00:aa');
    assert.equal(formatIp4(moved.ack!.yiaddr), '10.0.0.200');
  });

  it('echoes the client identifier (RFC 6842)', async () => {
    const p = await aPipeline4(basicSubnet);
    const { ack } = await dora(p, '0a:00:00:00:00:0b', { clientId: '01:0a:00:00:00:00:0b' });
    assert.deepEqual([...ack!.options.get(Opt4.CLIENT_ID)!], [1, 10, 0, 0, 0, 0, 11]);
  });

  it('stays silent on an INIT-REBOOT from an unknown client when not authoritative', async () => {
    const p = await aPipeline4(basicSubnet);
    assert.deepEqual(await p.process(anInbound4(aMessage4(REQUEST, { requested: '10.0.0.15' }))), { kind: 'drop', reason: 'not-authoritative' });
  });

  it('frees a RELEASEd address for another client', async () => {
    const one = { ...basicSubnet, subnet4: [{ ...basicSubnet.subnet4[0]!, pools: [{ pool: '10.0.0.10 - 10.0.0.10' }] }] };
    const p = await aPipeline4(one);
    const { ack } = await dora(p, '0a:00:00:00:00:01');
    assert.equal(formatIp4(ack!.yiaddr), '10.0.0.10');
    assert.equal((await dora(p, '0a:00:00:00:00:02')).offer, null);
    await p.process(anInbound4(aMessage4(RELEASE, { mac: '0a:00:00:00:00:01', ciaddr: '10.0.0.10', serverId: '10.0.0.1' })));
    assert.equal((await p.store.get4(ip('10.0.0.10')))?.state, 'expired-reclaimed');
    const second = await dora(p, '0a:00:00:00:00:02');
    assert.equal(formatIp4(second.ack!.yiaddr), '10.0.0.10');
  });

  it('keeps a DECLINEd address out of use during probation', async () => {
    const one = { ...basicSubnet, 'decline-probation-period': 600, subnet4: [{ ...basicSubnet.subnet4[0]!, pools: [{ pool: '10.0.0.10 - 10.0.0.10' }] }] };
    const p = await aPipeline4(one);
    await dora(p, '0a:00:00:00:00:01');
    await p.process(anInbound4(aMessage4(DECLINE, { mac: '0a:00:00:00:00:01', requested: '10.0.0.10', serverId: '10.0.0.1' })));
    const declined = await p.store.get4(ip('10.0.0.10'));
    assert.equal(declined?.state, 'declined');
    assert.equal(declined?.hwAddress, '');
    assert.equal(await p.reply(anInbound4(aMessage4(DISCOVER, { mac: '0a:00:00:00:00:02' }))), null);
    p.clock.advance(601);
    const later = await p.reply(anInbound4(aMessage4(DISCOVER, { mac: '0a:00:00:00:00:02' })));
    assert.equal(formatIp4(later!.yiaddr), '10.0.0.10');
  });

  it('gives reserved clients their address, hostname and own options', async () => {
    const cfg = structuredClone(basicSubnet) as typeof basicSubnet & { subnet4: Array<Record<string, unknown>> };
    cfg.subnet4[0]!['reservations'] = [
      { 'hw-address': '0a:00:00:00:00:aa', 'ip-address': '10.0.0.200', hostname: 'printer', 'option-data': [{ name: 'routers', data: '10.0.0.254' }] },
      { 'client-id': '01:0a:00:00:00:00:bb', 'ip-address': '10.0.0.201', hostname: 'nas' },
    ];
    const p = await aPipeline4(cfg);
    const byMac = await dora(p, '0a:00:00:00:00:aa');
    assert.equal(formatIp4(byMac.ack!.yiaddr), '10.0.0.200');
    assert.equal(opt(byMac.ack!, 'routers'), '10.0.0.254');
    assert.equal(opt(byMac.ack!, 'host-name'), 'printer');
    const byId = await dora(p, '0a:00:00:00:00:cc', { clientId: '01:0a:00:00:00:00:bb' });
    assert.equal(formatIp4(byId.ack!.yiaddr), '10.0.0.201');
    assert.equal((await p.store.get4(ip('10.0.0.201')))?.hostname, 'nas');
  });

  it('serves exactly as many clients as the pool holds', async () => {
    const three = { ...basicSubnet, subnet4: [{ ...basicSubnet.subnet4[0]!, pools: [{ pool: '10.0.0.10 - 10.0.0.12' }] }] };
    const p = await aPipeline4(three);
    const acks = [];
    for (const n of [1, 2, 3]) acks.push((await dora(p, `0a:00:00:00:00:0${n}`)).ack);
    assert.deepEqual(new Set(acks.map((a) => formatIp4(a!.yiaddr))), new Set(['10.0.0.10', '10.0.0.11', '10.0.0.12']));
    assert.equal((await dora(p, '0a:00:00:00:00:04')).offer, null);
    assert.ok(p.log.lines.some((l) => l.id === 'ALLOC_POOL_EXHAUSTED'));
    assert.equal(getMessageType4((await dora(p, '0a:00:00:00:00:02')).ack!), ACK);
  });

  it('selects the subnet by giaddr and echoes option 82 to the relay', async () => {
    const relayed = { subnet4: [...basicSubnet.subnet4, { id: 2, subnet: '10.0.1.0/24', pools: [{ pool: '10.0.1.50 - 10.0.1.60' }] }] };
    const p = await aPipeline4(relayed);
    const info = Uint8Array.of(1, 3, 0x61, 0x62, 0x63, 2, 2, 0x01, 0x02);
    const out = await p.process(anInbound4(aMessage4(DISCOVER, { giaddr: '10.0.1.1', relayInfo: info })));
    assert.equal(out.kind, 'reply');
    if (out.kind !== 'reply') return;
    assert.deepEqual(out.route, { kind: 'relay', to: ip('10.0.1.1'), port: 67 });
    const offer = (await import('../../src/codec/index.ts')).decodeMessage4(out.data);
    assert.ok(offer.yiaddr >= ip('10.0.1.50') && offer.yiaddr <= ip('10.0.1.60'));
    assert.deepEqual([...offer.options.get(Opt4.RELAY_AGENT_INFO)!], [...info]);
  });

  it('answers INFORM with options and no lease', async () => {
    const p = await aPipeline4(basicSubnet);
    const out = await p.process(anInbound4(aMessage4(INFORM, { ciaddr: '10.0.0.77' }), {}, '10.0.0.77'));
    assert.equal(out.kind, 'reply');
    if (out.kind !== 'reply') return;
    assert.deepEqual(out.route, { kind: 'unicast', to: ip('10.0.0.77'), port: 68 });
    const ack = (await import('../../src/codec/index.ts')).decodeMessage4(out.data);
    assert.equal(getMessageType4(ack), ACK);
    assert.equal(ack.options.has(Opt4.LEASE_TIME), false);
    assert.equal(opt(ack, 'routers'), '10.0.0.1');
    assert.deepEqual(await p.store.scan4(null, 10), []);
  });

  it('counts and drops malformed packets without touching leases', async () => {
    const p = await aPipeline4(basicSubnet);
    for (const bytes of [new Uint8Array(0), new Uint8Array(100), new Uint8Array(300).fill(0xff)]) {
      assert.equal((await p.process(anInbound4(bytes))).kind, 'drop');
    }
    assert.equal(p.stats.get('pkt4-parse-failed'), 3);
    assert.deepEqual(await p.store.scan4(null, 10), []);
  });

  it('sends no ACK when the lease cannot be made durable', async () => {
    const { createMemoryLeaseStore } = await import('../../src/store/index.ts');
    const inner = createMemoryLeaseStore();
    const failing = { ...inner, get4: inner.get4.bind(inner), find4: inner.find4.bind(inner), scan4: inner.scan4.bind(inner),
      expiredBefore4: inner.expiredBefore4.bind(inner), onChange: inner.onChange.bind(inner), close: inner.close.bind(inner),
      remove4: inner.remove4.bind(inner),
      insert4: async () => { throw new Error('disk full'); }, update4: async () => { throw new Error('disk full'); } };
    const p = await aPipeline4(basicSubnet, { store: failing });
    const { offer, ack } = await dora(p, '0a:00:00:00:00:09');
    assert.ok(offer);
    assert.equal(ack, null);
    assert.ok(p.log.lines.some((l) => l.id === 'ALLOC_LEASE_WRITE_FAILED'));
  });
});
