import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp4 } from '../../util/index.ts';
import { lease4BulkApply, lease4Del, lease4Update, dhcpDisable, dhcpEnable, haSyncCompleteNotify, haMaintenanceNotify } from '../../ha/index.ts';
import type { HaApi, PartnerLeaseChange } from '../../ha/index.ts';
import type { Lease4 } from '../../model/index.ts';
import { stubApi } from '../listeners/test-support.ts';
import { createControlHandler } from '../handler.ts';
import type { CallContext, ServerApi } from '../types.ts';
import { aControlledServer } from '../../../test/helpers/control-server.ts';

const CALL: CallContext = { via: 'http', user: 'ha-partner', remote: '10.99.0.2' };
const ip = (s: string) => parseIp4(s)!;
const aLease = (addr: string, cltt = 1_800_000_000): Lease4 => ({
  address: ip(addr), hwAddress: 'aa:bb:cc:dd:ee:ff', clientId: '01:aa:bb:cc:dd:ee:ff', subnetId: 1,
  cltt, validLifetime: 3600, hostname: 'h1', state: 'default',
});

/** A fake HaApi that records calls; `failAddress` makes applyPartnerLeases fail for one address. */
function fakeHa(opts: { failAddress?: string; ok?: boolean } = {}) {
  const calls: Array<[string, unknown]> = [];
  const ok = opts.ok ?? true;
  const r = (name: string, arg?: unknown) => { calls.push([name, arg]); return { ok, text: `${name} ${ok ? 'done' : 'refused'}` }; };
  const ha: HaApi = {
    heartbeat: () => { calls.push(['heartbeat', null]); return { state: 'hot-standby', 'date-time': 'Thu, 07 Nov 2019 08:49:37 GMT', scopes: ['server1'], 'unsent-update-count': 0 }; },
    async applyPartnerLeases(changes: readonly PartnerLeaseChange[]) {
      calls.push(['apply', changes]);
      const bad = opts.failAddress === undefined ? undefined : ip(opts.failAddress);
      const failed = changes.flatMap((c) => {
        const a = c.kind === 'update' ? c.lease.address : c.address;
        return a === bad ? [{ address: a, reason: 'store write failed', conflict: false }] : [];
      });
      return { failed };
    },
    syncCompleteNotify: (origin) => { calls.push(['syncCompleteNotify', origin]); },
    reset: () => { calls.push(['reset', null]); },
    maintenanceStart: async () => r('maintenanceStart'),
    maintenanceCancel: async () => r('maintenanceCancel'),
    maintenanceNotify: (cancel) => r('maintenanceNotify', cancel),
    continue: () => r('continue'),
    setScopes: (scopes) => r('setScopes', scopes),
    sync: async () => { calls.push(['sync', null]); return { ok, text: 'Lease database synchronization complete.', leases: 7 }; },
    partnerDown: () => r('partnerDown'),
    configPush: async (args) => ({ ...r('configPush', args), configHash: ok ? args.configHash : null }),
    status: () => ({ 'ha-mode': 'hot-standby', 'ha-servers': { local: { role: 'primary', state: 'hot-standby' } } }),
  };
  return { ha, calls };
}

function setup(ha: HaApi | null) {
  const serving: Array<[boolean, unknown]> = [];
  const api = { ...stubApi(), ha, setServing: (on: boolean, o: unknown) => { serving.push([on, o]); } } as unknown as ServerApi;
  const handler = createControlHandler(api);
  const call = (command: string, args?: unknown) => handler.handle(args === undefined ? { command } : { command, arguments: args }, CALL);
  return { handler, call, serving };
}

describe('HA commands with an HA service', () => {
  // [command, arguments, expected result, expected HaApi call name, expected argument to it]
  const rows: Array<[string, unknown, number, string | null, unknown?]> = [
    ['ha-heartbeat', undefined, 0, 'heartbeat', null],
    ['ha-heartbeat', { 'server-name': 'server2' }, 0, 'heartbeat', null],
    ['ha-heartbeat', { 'server-name': '' }, 1, null],
    ['ha-sync-complete-notify', haSyncCompleteNotify.build({ serverName: 'server2', originId: 2001 }).arguments, 0, 'syncCompleteNotify', 'ha-partner'],
    ['ha-sync-complete-notify', {}, 1, null],
    ['ha-reset', undefined, 0, 'reset', null],
    ['ha-reset', { 'server-name': 'server2' }, 0, 'reset', null],
    ['ha-maintenance-start', undefined, 0, 'maintenanceStart'],
    ['ha-maintenance-cancel', undefined, 0, 'maintenanceCancel'],
    ['ha-maintenance-notify', haMaintenanceNotify.build({ serverName: 's1', cancel: true, state: 'ready' }).arguments, 0, 'maintenanceNotify', true],
    ['ha-maintenance-notify', { 'server-name': 's1' }, 1, null],
    ['ha-continue', undefined, 0, 'continue'],
    ['ha-scopes', { scopes: ['server1', 'server2'] }, 0, 'setScopes', ['server1', 'server2']],
    ['ha-scopes', { scopes: 'server1' }, 1, null],
    ['ha-scopes', undefined, 1, null],
    ['ha-sync', undefined, 0, 'sync', null],
    ['ha-partner-down', undefined, 0, 'partnerDown'],
  ];
  for (const [command, args, result, apiCall, apiArg] of rows) {
    it(`${command} ${JSON.stringify(args) ?? ''} → ${result}`, async () => {
      const { ha, calls } = fakeHa();
      const r = await setup(ha).call(command, args);
      assert.equal(r.result, result, r.text);
      if (apiCall === null) { assert.deepEqual(calls, []); return; }
      assert.equal(calls.length, 1);
      assert.equal(calls[0]![0], apiCall);
      if (apiArg !== undefined) assert.deepEqual(calls[0]![1], apiArg);
    });
  }

  it('ha-heartbeat answers the service heartbeat as arguments, with Kea\'s text', async () => {
    const r = await setup(fakeHa().ha).call('ha-heartbeat');
    assert.equal(r.text, 'HA peer status returned.');
    assert.equal(r.arguments?.['state'], 'hot-standby');
  });

  it('a refusal from the service is result 1 with its text', async () => {
    const r = await setup(fakeHa({ ok: false }).ha).call('ha-partner-down');
    assert.deepEqual(r, { result: 1, text: 'partnerDown refused' });
  });

  it('ha-sync reports how many leases came', async () => {
    const r = await setup(fakeHa().ha).call('ha-sync');
    assert.deepEqual(r.arguments, { leases: 7 });
  });

  it('status-get carries high-availability as Kea\'s one-element list', async () => {
    const r = await setup(fakeHa().ha).call('status-get');
    assert.deepEqual(r.arguments?.['high-availability'], [{ 'ha-mode': 'hot-standby', 'ha-servers': { local: { role: 'primary', state: 'hot-standby' } } }]);
    const plain = await setup(null).call('status-get');
    assert.equal(plain.arguments?.['high-availability'], undefined);
  });
});

describe('partner lease changes', () => {
  it('lease4-update with origin ha-partner goes to the HA service, not the store', async () => {
    const { ha, calls } = fakeHa();
    const lease = aLease('10.0.0.15');
    const r = await setup(ha).call('lease4-update', lease4Update.build({ lease }).arguments);
    assert.deepEqual(r, { result: 0, text: 'IPv4 lease updated.' });
    assert.deepEqual(calls, [['apply', [{ kind: 'update', lease }]]]);
  });

  it('lease4-del with origin ha-partner deletes by address through the HA service', async () => {
    const { ha, calls } = fakeHa();
    const r = await setup(ha).call('lease4-del', lease4Del.build({ lease: aLease('10.0.0.16') }).arguments);
    assert.equal(r.result, 0);
    assert.deepEqual(calls, [['apply', [{ kind: 'delete', address: ip('10.0.0.16') }]]]);
  });

  it('a partner lease that fails to apply is result 1 naming the address', async () => {
    const { ha } = fakeHa({ failAddress: '10.0.0.15' });
    const r = await setup(ha).call('lease4-update', lease4Update.build({ lease: aLease('10.0.0.15') }).arguments);
    assert.deepEqual(r, { result: 1, text: 'lease 10.0.0.15: store write failed' });
  });

  it('a malformed partner lease is refused with the JSON path, before the service sees it', async () => {
    const { ha, calls } = fakeHa();
    const args = { ...lease4Update.build({ lease: aLease('10.0.0.15') }).arguments, 'valid-lft': -1 };
    const r = await setup(ha).call('lease4-update', args);
    assert.equal(r.result, 1);
    assert.match(r.text, /valid-lft/);
    assert.deepEqual(calls, []);
  });

  it('lease4-bulk-apply hands updates and deletions over in one call; failures come back as failed-leases', async () => {
    const { ha, calls } = fakeHa({ failAddress: '10.0.0.12' });
    const args = lease4BulkApply.build({ leases: [aLease('10.0.0.11'), aLease('10.0.0.12')], deletedLeases: [aLease('10.0.0.13')] }).arguments;
    const r = await setup(ha).call('lease4-bulk-apply', args);
    assert.equal(r.result, 3);
    assert.deepEqual(r.arguments, { 'failed-leases': [{ 'ip-address': '10.0.0.12', result: 1, 'error-message': 'store write failed' }] });
    const changes = calls[0]![1] as PartnerLeaseChange[];
    assert.deepEqual(changes.map((c) => c.kind), ['update', 'update', 'delete']);
    const all = await setup(fakeHa().ha).call('lease4-bulk-apply', args);
    assert.deepEqual(all, { result: 0, text: 'Bulk apply of IPv4 leases completed.' });
  });

  it('lease4-bulk-apply with a bad lease names its index', async () => {
    const r = await setup(fakeHa().ha).call('lease4-bulk-apply', { leases: [{ 'ip-address': 'x' }], origin: 'ha-partner' });
    assert.equal(r.result, 1);
    assert.match(r.text, /arguments\.leases\[0\]/);
  });
});

describe('ha-config-push', () => {
  const pushArgs = { 'server-name': 'server1', config: { Dhcp4: { subnet4: [] } }, 'config-hash': 'cd'.repeat(32) };
  it('hands the checked push to the HA service and answers its hash', async () => {
    const { ha, calls } = fakeHa();
    const r = await setup(ha).call('ha-config-push', pushArgs);
    assert.deepEqual(r, { result: 0, text: 'configPush done', arguments: { 'config-hash': 'cd'.repeat(32) } });
    assert.deepEqual(calls, [['configPush', { serverName: 'server1', config: { Dhcp4: { subnet4: [] } }, configHash: 'cd'.repeat(32) }]]);
  });
  it('a refusal is result 1; a malformed push never reaches the service; no HA is result 2', async () => {
    assert.equal((await setup(fakeHa({ ok: false }).ha).call('ha-config-push', pushArgs)).result, 1);
    const { ha, calls } = fakeHa();
    const bad = await setup(ha).call('ha-config-push', { ...pushArgs, config: { subnet4: [] } });
    assert.equal(bad.result, 1);
    assert.match(bad.text, /config/);
    assert.equal((await setup(ha).call('ha-config-push', { ...pushArgs, 'config-hash': 'XYZ' })).result, 1);
    assert.deepEqual(calls, []);
    assert.equal((await setup(null).call('ha-config-push', pushArgs)).result, 2);
  });
});

describe('HA commands without an HA service', () => {
  for (const command of ['ha-heartbeat', 'ha-reset', 'ha-sync', 'ha-scopes', 'ha-partner-down', 'ha-maintenance-start', 'ha-continue']) {
    it(`${command} answers result 2`, async () => {
      const r = await setup(null).call(command, command === 'ha-scopes' ? { scopes: [] } : undefined);
      assert.equal(r.result, 2);
      assert.match(r.text, /no high-availability relationship/);
    });
  }
  it('lease4-update with origin ha-partner is an ordinary update (as in Kea without the HA hook)', async () => {
    const s = await aControlledServer();
    try {
      assert.equal(s.server.ha ?? null, null);
      const r = await s.call('lease4-update', lease4Update.build({ lease: aLease('10.0.0.15') }).arguments);
      assert.deepEqual(r, { result: 0, text: 'IPv4 lease added.' });
      assert.equal((await s.server.store.get4(ip('10.0.0.15')))?.hostname, 'h1');
    } finally { await s.close(); }
  });
  it('lease4-bulk-apply answers result 2', async () => {
    const r = await setup(null).call('lease4-bulk-apply', lease4BulkApply.build({ leases: [], deletedLeases: [] }).arguments);
    assert.equal(r.result, 2);
  });
});

describe('dhcp-disable / dhcp-enable origins', () => {
  it('a partner disable is checked with the partner definition and keeps its origin', async () => {
    const s = setup(fakeHa().ha);
    const r = await s.call('dhcp-disable', dhcpDisable.build({ maxPeriodSec: 60, originId: 2001 }).arguments);
    assert.equal(r.result, 0);
    assert.deepEqual(s.serving, [[false, { maxPeriodSec: 60, origin: 'ha-partner' }]]);
    assert.equal((await s.call('dhcp-enable', dhcpEnable.build({ originId: 2001 }).arguments)).result, 0);
    assert.deepEqual(s.serving.at(-1), [true, { origin: 'ha-partner' }]);
  });

  it('a partner disable without max-period is refused (the protocol always bounds it)', async () => {
    const s = setup(fakeHa().ha);
    const r = await s.call('dhcp-disable', { origin: 'ha-partner', 'origin-id': 2001 });
    assert.equal(r.result, 1);
    assert.match(r.text, /max-period/);
    assert.deepEqual(s.serving, []);
  });

  it('a user disable accepts origin and origin-id; a bad origin-id is refused', async () => {
    const s = setup(null);
    assert.equal((await s.call('dhcp-disable', { origin: 'user', 'origin-id': 1 })).result, 0);
    assert.deepEqual(s.serving, [[false, { origin: 'user' }]]);
    assert.equal((await s.call('dhcp-enable', { 'origin-id': 'x' })).result, 1);
    assert.equal((await s.call('dhcp-disable')).result, 0);
    assert.deepEqual(s.serving.at(-1), [false, { origin: 'http:ha-partner' }]);
  });
});
