// perfdhcp report parsing and the sweep summary (max sustained, ratios, overload goodput).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePerfdhcp, perfdhcpArgv } from './perfdhcp.ts';
import type { PerfResult } from './perfdhcp.ts';
import { maxSustained, summarize, runTable } from './report.ts';
import type { RunRecord } from './report.ts';

const REPORT = `Running: perfdhcp -4 -l 10.80.0.3 -r 4000 -R 50000 -p 3 -b mac=02:cc:00:00:00:00 10.80.0.1
Scenario: basic.
Multi-thread mode enabled.
***Rate statistics***
Rate: 3812.5 4-way exchanges/second, expected rate: 4000

***Malformed Packets***
Malformed packets: 0
***Statistics for: DISCOVER-OFFER***
sent packets: 12000
received packets: 11629
drops: 371
drops ratio: 3.09192 %
orphans: 0

min delay: 0.103 ms
avg delay: 3.294 ms
max delay: 22.044 ms
std deviation: 0.066 ms
collected packets: 0

***Statistics for: REQUEST-ACK***
sent packets: 11629
received packets: 11444
drops: 185
drops ratio: 1.591 %
orphans: 0

min delay: 0.116 ms
avg delay: 2.629 ms
max delay: 31.524 ms
`;

const NOTHING = `***Rate statistics***
Rate: 0 4-way exchanges/second, expected rate: 1000
***Statistics for: DISCOVER-OFFER***
sent packets: 2999
received packets: 0
drops: 2999
drops ratio: 100 %
avg delay: n/a
max delay: n/a
***Statistics for: REQUEST-ACK***
sent packets: 0
received packets: 0
drops: 0
drops ratio: -nan %
`;

test('parsePerfdhcp reads both exchanges and computes achieved from ACKs over the period', () => {
  const r = parsePerfdhcp(REPORT, 3);
  assert.ok(r);
  assert.equal(r.perfdhcpRate, 3812.5);
  assert.ok(Math.abs(r.achieved - 11444 / 3) < 1e-9);
  assert.deepEqual(r.discoverOffer, { sent: 12000, received: 11629, dropPct: (100 * 371) / 12000, avgMs: 3.294, maxMs: 22.044 });
  assert.equal(r.requestAck.sent, 11629);
  assert.equal(r.requestAck.maxMs, 31.524);
});

test('parsePerfdhcp: no answers at all is 100 % drops, n/a delays, not NaN', () => {
  const r = parsePerfdhcp(NOTHING, 3);
  assert.ok(r);
  assert.equal(r.achieved, 0);
  assert.equal(r.discoverOffer.dropPct, 100);
  assert.equal(r.discoverOffer.avgMs, null);
  assert.equal(r.requestAck.dropPct, 100);
});

test('parsePerfdhcp: no report is null', () => {
  assert.equal(parsePerfdhcp('perfdhcp: bad option\n', 3), null);
});

test('perfdhcpArgv: relay mode sends from the relay address to the server; direct mode uses the interface', () => {
  const base = { relayIp: '10.80.0.3', clientIf: 'eth0', serverIp: '10.80.0.1', rate: 100, seconds: 2, clients: 10 };
  const relay = perfdhcpArgv({ ...base, mode: 'relay' });
  assert.deepEqual(relay.slice(0, 4), ['perfdhcp', '-4', '-l', '10.80.0.3']);
  assert.equal(relay.at(-1), '10.80.0.1');
  assert.ok(relay.includes('-p') && relay.includes('-W'));
  const direct = perfdhcpArgv({ ...base, mode: 'direct' });
  assert.deepEqual(direct.slice(0, 5), ['perfdhcp', '-4', '-l', 'eth0', '-B']);
  assert.ok(!direct.includes('10.80.0.1'));
});

const result = (achieved: number, doPct: number, raPct: number): PerfResult => ({
  achieved, perfdhcpRate: achieved, exitCode: 0, raw: '',
  discoverOffer: { sent: 1, received: 1, dropPct: doPct, avgMs: 1, maxMs: 2 },
  requestAck: { sent: 1, received: 1, dropPct: raPct, avgMs: 1, maxMs: 3 },
});
const rec = (server: RunRecord['server'], offered: number, r: PerfResult, phase: RunRecord['phase'] = 'sweep'): RunRecord => ({
  server, offered, phase, startupMs: 10, rssStartMiB: 20, rssMiB: 30, result: r,
});

test('max sustained is the best achieved rate with both drop % under 1; summary ratios', () => {
  const runs = [
    rec('tandem', 1000, result(1000, 0, 0)),
    rec('kea', 1000, result(1000, 0, 0)),
    rec('tandem', 4000, result(3990, 0.5, 0.9)),
    rec('kea', 4000, result(3500, 5, 0.1)),
    rec('tandem', 8000, result(6000, 20, 1)),
    rec('kea', 8000, result(4000, 30, 10)),
    rec('tandem', 12000, result(3591, 50, 20), 'overload'),
    rec('kea', 3000, result(500, 80, 50), 'overload'),
  ];
  assert.equal(maxSustained(runs, 'tandem'), 3990);
  assert.equal(maxSustained(runs, 'kea'), 1000);
  const s = summarize(runs, ['tandem', 'kea']);
  assert.ok(Math.abs((s.ratio ?? 0) - 3.99) < 1e-9);
  assert.ok(Math.abs((s.overloadPct.tandem ?? 0) - 90) < 1e-9);
  assert.ok(Math.abs((s.overloadPct.kea ?? 0) - 50) < 1e-9);
  assert.ok(runTable(runs).split('\n').length === runs.length + 2);
});

test('no sustained rate means no ratio and no overload figure', () => {
  const s = summarize([rec('kea', 1000, result(900, 5, 5))], ['kea']);
  assert.equal(s.maxSustained.kea, 0);
  assert.equal(s.ratio, null);
  assert.deepEqual(s.overloadPct, {});
});
