import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createMessage4 } from '../codec/index.ts';
import { replyRoute4 } from './route.ts';

const A = 0x0a000005, G = 0x0a010001, Y = 0x0a000014;

it('routes replies by RFC 2131 §4.1', () => {
  const cases: Array<[string, { giaddr?: number; ciaddr?: number; flags?: number; htype?: number }, number, number, string]> = [
    ['relayed → giaddr:67', { giaddr: G }, 5, Y, 'relay'],
    ['relayed NAK → giaddr:67', { giaddr: G }, 6, 0, 'relay'],
    ['NAK → broadcast', { ciaddr: A }, 6, 0, 'broadcast'],
    ['ciaddr → unicast', { ciaddr: A }, 5, A, 'unicast'],
    ['broadcast flag → broadcast', { flags: 0x8000 }, 2, Y, 'broadcast'],
    ['no flag → unicast to chaddr', {}, 2, Y, 'unicast-hw'],
    ['non-Ethernet → broadcast', { htype: 6 }, 2, Y, 'broadcast'],
  ];
  for (const [name, req, type, yiaddr, kind] of cases) {
    const request = createMessage4({ ...req, hlen: 6 });
    const reply = createMessage4({ yiaddr });
    assert.equal(replyRoute4(request, reply, type).kind, kind, name);
  }
});
