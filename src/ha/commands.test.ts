import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leaseToKeaJson } from '../model/index.ts';
import type { Lease4 } from '../model/index.ts';
import {
  PARTNER_COMMANDS, RESULT, buildAnswer, bulkApplyAnswer, dhcpDisable, haHeartbeat, heartbeatAnswer,
  lease4BulkApply, lease4GetPage, lease4Update, leasePageAnswer, parseAnswer,
} from './commands.ts';
import type { PartnerCommand } from './commands.ts';

const LEASE: Lease4 = {
  address: 0xc000020a, hwAddress: 'aa:bb:cc:dd:ee:ff', clientId: '01:aa:bb:cc:dd:ee:ff', subnetId: 1,
  cltt: 1_800_000_000, validLifetime: 3600, hostname: 'host1', state: 'default',
};
const LEASE2: Lease4 = { ...LEASE, address: 0xc000020b, clientId: null, hostname: '' };

const SAMPLES: { [K in keyof typeof PARTNER_COMMANDS]: (typeof PARTNER_COMMANDS)[K] extends PartnerCommand<infer A> ? A : never } = {
  'ha-heartbeat': { serverName: 'server1' },
  'ha-reset': { serverName: 'server2' },
  'lease4-update': { lease: LEASE },
  'lease4-del': { lease: LEASE2 },
  'lease4-bulk-apply': { leases: [LEASE], deletedLeases: [LEASE2] },
  'lease4-get-page': { from: '192.0.2.10', limit: 100 },
  'dhcp-disable': { maxPeriodSec: 60, originId: 2001 },
  'dhcp-enable': { originId: 2001 },
  'ha-sync-complete-notify': { serverName: 'server1', originId: 2001 },
  'ha-maintenance-notify': { serverName: 'server1', cancel: false, state: 'ready' },
  'ha-config-push': { serverName: 'server1', config: { Dhcp4: { 'valid-lifetime': 60, subnet4: [] } }, configHash: 'ab'.repeat(32) },
};

describe('partner commands: one definition builds and parses', () => {
  for (const [name, cmd] of Object.entries(PARTNER_COMMANDS)) {
    it(`${name} round-trips through JSON text`, () => {
      const sample = SAMPLES[name as keyof typeof SAMPLES];
      const json = (cmd as PartnerCommand<unknown>).build(sample);
      assert.equal(json.command, name);
      assert.deepEqual(json.service, ['dhcp4']);
      const back = (cmd as PartnerCommand<unknown>).parse(JSON.parse(JSON.stringify(json)));
      assert.deepEqual(back, { ok: true, value: sample });
      assert.deepEqual((cmd as PartnerCommand<unknown>).parse(json.arguments, { argsOnly: true }), { ok: true, value: sample });
    });
  }
  it("each replicated lease is Kea's lease JSON (leaseToKeaJson) plus expire", () => {
    for (const l of [LEASE, LEASE2, { ...LEASE, state: 'declined' as const }, { ...LEASE, state: 'expired-reclaimed' as const, hwAddress: '' }]) {
      const args = lease4BulkApply.build({ leases: [l], deletedLeases: [l] }).arguments;
      const want = { ...leaseToKeaJson(l), expire: l.cltt + l.validLifetime };
      assert.deepEqual((args['leases'] as unknown[])[0], want);
      assert.deepEqual((args['deleted-leases'] as unknown[])[0], want);
      assert.deepEqual(Object.keys(lease4Update.build({ lease: l }).arguments).sort(), [...Object.keys(want), 'force-create', 'origin'].sort());
    }
  });
  it("lease4-update carries Kea's HA fields", () => {
    const args = lease4Update.build({ lease: LEASE }).arguments;
    assert.equal(args['force-create'], true);
    assert.equal(args['origin'], 'ha-partner');
    assert.equal(args['expire'], 1_800_003_600);
    assert.equal(args['ip-address'], '192.0.2.10');
    assert.equal(args['client-id'], '01:aa:bb:cc:dd:ee:ff');
  });
  it('names the path of what is wrong', () => {
    const cases: [PartnerCommand<unknown>, unknown, string, RegExp][] = [
      [haHeartbeat, { command: 'ha-heartbeat', arguments: {} }, 'arguments.server-name', /required/],
      [haHeartbeat, { command: 'ha-reset', arguments: { 'server-name': 'a' } }, 'command', /expected "ha-heartbeat"/],
      [haHeartbeat, { command: 'ha-heartbeat', service: ['dhcp6'], arguments: { 'server-name': 'a' } }, 'service', /dhcp4/],
      [lease4GetPage, { command: 'lease4-get-page', arguments: { from: '300.1.1.1', limit: 10 } }, 'arguments.from', /"start" or an IPv4/],
      [lease4GetPage, { command: 'lease4-get-page', arguments: { from: 'start', limit: 0 } }, 'arguments.limit', /1\.\.100000/],
      [dhcpDisable, { command: 'dhcp-disable', arguments: { 'max-period': 60, origin: 'user' } }, 'arguments.origin', /ha-partner/],
      [lease4Update, { command: 'lease4-update', arguments: { 'ip-address': '192.0.2.1' } }, 'arguments.lease', /valid-lft/],
      [lease4BulkApply, { command: 'lease4-bulk-apply', arguments: { leases: [{ 'ip-address': 'x' }] } }, 'arguments.leases[0]', /ip-address/],
      [lease4BulkApply, { command: 'lease4-bulk-apply', arguments: 'no' }, 'arguments', /object/],
    ];
    for (const [cmd, json, path, message] of cases) {
      const r = cmd.parse(json);
      assert.equal(r.ok, false, JSON.stringify(json));
      if (!r.ok) { assert.equal(r.problem.path, path); assert.match(r.problem.message, message); }
    }
  });
});

describe('partner answers', () => {
  it('reads a heartbeat answer in the Kea list shape, with tandem config-hash', () => {
    const hash = 'ab'.repeat(32);
    const body = JSON.stringify(buildAnswer(RESULT.SUCCESS, 'HA peer status returned.', heartbeatAnswer.build({
      state: 'load-balancing', dateTime: 'Thu, 07 Nov 2019 08:49:37 GMT', scopes: ['server1'], unsentUpdateCount: 0, configHash: hash,
    })));
    const a = parseAnswer(body);
    assert.ok(a.ok);
    assert.equal(a.value.result, 0);
    const hb = heartbeatAnswer.parse(a.value.arguments);
    assert.deepEqual(hb, { ok: true, value: { state: 'load-balancing', dateTime: 'Thu, 07 Nov 2019 08:49:37 GMT', scopes: ['server1'], unsentUpdateCount: 0, configHash: hash } });
    // A Kea partner sends no config-hash.
    const kea = heartbeatAnswer.parse({ state: 'hot-standby', 'date-time': 'Thu, 07 Nov 2019 08:49:37 GMT', scopes: [], 'unsent-update-count': 3 });
    assert.ok(kea.ok && kea.value.configHash === null);
    const badState = heartbeatAnswer.parse({ state: 'normal', 'date-time': 'x', scopes: [], 'unsent-update-count': 0 });
    assert.ok(!badState.ok && badState.problem.path === 'arguments.state');
  });
  it('reads bare-map errors, refuses junk', () => {
    assert.deepEqual(parseAnswer({ result: 2, text: "'ha-heartbeat' command not supported." }), { ok: true, value: { result: 2, text: "'ha-heartbeat' command not supported.", arguments: undefined } });
    assert.equal(parseAnswer('<html>').ok, false);
    assert.equal(parseAnswer([]).ok, false);
    assert.equal(parseAnswer({ result: 9 }).ok, false);
  });
  it('lease pages and bulk-apply failures', () => {
    const page = leasePageAnswer.parse(JSON.parse(JSON.stringify(leasePageAnswer.build([LEASE, LEASE2]))));
    assert.deepEqual(page, { ok: true, value: { leases: [LEASE, LEASE2], count: 2 } });
    assert.deepEqual(leasePageAnswer.parse(undefined), { ok: true, value: { leases: [], count: 0 } });
    const wrongCount = leasePageAnswer.parse({ leases: [], count: 2 });
    assert.ok(!wrongCount.ok && wrongCount.problem.path === 'arguments.count');
    const failed = [{ ipAddress: '192.0.2.10', result: 4, errorMessage: 'conflict' }];
    assert.deepEqual(bulkApplyAnswer.parse(bulkApplyAnswer.build(failed)), { ok: true, value: failed });
    assert.deepEqual(bulkApplyAnswer.parse(undefined), { ok: true, value: [] });
  });
});
