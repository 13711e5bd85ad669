import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeTransport4 } from './fake-transport4.ts';
import { TransportError } from './transport-error.ts';
import type { Inbound4, Link4 } from './types.ts';

const linkA: Link4 = { ifname: 'a0', address: 0xc0000201, prefixLength: 24, mac: null };

test('fake transport records sends and delivers injected packets', async () => {
  const t = createFakeTransport4({ links: [linkA] });
  const got: Inbound4[] = [];
  await t.start((p) => got.push(p));
  const inbound: Inbound4 = { data: new Uint8Array([1]), link: linkA, source: { address: 0, port: 68 }, receivedAtMs: 0 };
  t.inject(inbound);
  assert.deepEqual(got, [inbound]);
  const data = new Uint8Array([9, 9]);
  await t.send(linkA, data, { kind: 'broadcast', port: 68 });
  data[0] = 0; // the record is a copy
  assert.deepEqual(t.sent, [{ link: linkA, data: new Uint8Array([9, 9]), route: { kind: 'broadcast', port: 68 } }]);
  t.clearSent();
  assert.equal(t.sent.length, 0);
});

test('fake transport: link down, injected failures, closed', async () => {
  const t = createFakeTransport4();
  await t.start(() => {});
  await assert.rejects(t.send(linkA, new Uint8Array(1), { kind: 'broadcast', port: 68 }), { code: 'ERR_TRANSPORT_LINK_DOWN' });
  t.setLinks([linkA]);
  assert.deepEqual(t.links(), [linkA]);
  t.failSends(new TransportError('ERR_TRANSPORT_SEND', 'boom'));
  await assert.rejects(t.send(linkA, new Uint8Array(1), { kind: 'broadcast', port: 68 }), { code: 'ERR_TRANSPORT_SEND' });
  t.failSends(null);
  await t.reconfigure([{ name: '*', address: null }]);
  assert.deepEqual(t.interfaces, [{ name: '*', address: null }]);
  await t.close();
  await assert.rejects(t.send(linkA, new Uint8Array(1), { kind: 'broadcast', port: 68 }), { code: 'ERR_TRANSPORT_CLOSED' });
  assert.throws(() => t.inject({ data: new Uint8Array(1), link: linkA, source: { address: 0, port: 68 }, receivedAtMs: 0 }));
});
