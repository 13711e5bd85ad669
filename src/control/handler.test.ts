import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aControlledServer, TEST_CALL, twoSubnetConfig } from '../../test/helpers/control-server.ts';
import { COMMANDS } from './handler.ts';

type Srv = Awaited<ReturnType<typeof aControlledServer>>;

/** The commands issue 4 asks for; list-commands must name every one. */
const REQUIRED = [
  'list-commands', 'version-get', 'status-get', 'config-get', 'config-test', 'config-reload', 'config-set', 'config-write',
  'lease4-get', 'lease4-get-all', 'lease4-get-page', 'lease4-get-by-hw-address', 'lease4-get-by-client-id',
  'lease4-get-by-hostname', 'lease4-add', 'lease4-update', 'lease4-del', 'lease4-wipe', 'leases-reclaim',
  'reservation-add', 'reservation-get', 'reservation-get-all', 'reservation-del', 'subnet4-list', 'subnet4-get',
  'statistic-get', 'statistic-get-all', 'statistic-reset', 'dhcp-disable', 'dhcp-enable',
];

const L = { 'ip-address': '10.0.0.15', 'hw-address': '0a:00:00:00:00:01', 'client-id': '01:0a:00:00:00:00:01', hostname: 'one' };

describe('control handler: requests', () => {
  let s: Srv;
  before(async () => { s = await aControlledServer(); });
  after(async () => { await s.close(); });

  const cases: Array<[string, unknown, number, RegExp]> = [
    ['not an object', [1, 2], 1, /^request: expected an object, got a list$/],
    ['no command', { arguments: {} }, 1, /^request\.command: required/],
    ['command not a string', { command: 7 }, 1, /^request\.command: expected a non-empty string.*got 7$/],
    ['arguments a list', { command: 'lease4-get', arguments: [] }, 1, /^request\.arguments: expected an object, got a list$/],
    ['unknown command', { command: 'lease9-get' }, 2, /^'lease9-get' command not supported\.$/],
    ['service is ignored', { command: 'version-get', service: ['dhcp4'] }, 0, /^tandem 0\.1\.0$/],
  ];
  for (const [name, req, result, text] of cases) {
    it(name, async () => {
      const r = await s.handler.handle(req, TEST_CALL);
      assert.equal(r.result, result);
      assert.match(r.text, text);
    });
  }

  it('answers malformed JSON with result 1 and keeps serving', async () => {
    const r = await s.handler.handleText('{"command": "version-get"', TEST_CALL);
    assert.equal(r.result, 1);
    assert.match(r.text, /^invalid JSON: /);
    assert.equal((await s.handler.handleText('{"command":"version-get"}', TEST_CALL)).result, 0);
    assert.ok(await s.offer('0a:00:00:00:00:99'));
  });

  it('lists exactly the commands of its table, and every command the issue names', async () => {
    const r = await s.call('list-commands');
    const names = r.arguments as unknown as string[];
    assert.deepEqual(names, COMMANDS.map((c) => c.name).sort());
    assert.deepEqual(s.handler.commands(), names);
    for (const c of REQUIRED) assert.ok(names.includes(c), c);
  });

  it('logs each command, and failures with the command and the user', async () => {
    await s.call('lease4-get', { 'ip-address': 'x' });
    const failed = s.log.lines.filter((l) => l.id === 'CTRL_COMMAND_FAILED').at(-1)!;
    assert.equal(failed.fields['command'], 'lease4-get');
    assert.equal(failed.fields['user'], 'tester');
    assert.ok(s.log.lines.some((l) => l.id === 'CTRL_COMMAND_RECEIVED' && l.fields['command'] === 'lease4-get'));
  });

  it('turns a command that throws into result 1 with its message', async () => {
    const r = await s.call('config-write', { filename: join(s.dir, 'no', 'such', 'dir.json') });
    assert.equal(r.result, 1);
    assert.match(r.text, /ENOENT/);
    assert.equal((await s.call('version-get')).result, 0);
  });
});

describe('control handler: commands, good and bad arguments', () => {
  let s: Srv;
  before(async () => { s = await aControlledServer(); });
  after(async () => { await s.close(); });

  // Run in order: each row may depend on the rows before it.
  const rows: Array<[string, unknown, number, RegExp | null, string[]?]> = [
    ['version-get', undefined, 0, /^tandem /, ['extended']],
    ['status-get', undefined, 0, null, ['dhcp-state', 'multi-threading-enabled', 'pid', 'reload', 'serving', 'uptime', 'version']],
    ['lease4-get-all', undefined, 3, /^0 IPv4 lease\(s\) found\.$/, ['leases']],
    ['lease4-add', L, 0, /^Lease for address 10\.0\.0\.15, subnet-id 1 added\.$/],
    ['lease4-add', L, 1, /^IPv4 lease already exists\.$/],
    ['lease4-add', { 'ip-address': '172.16.0.1', 'hw-address': '0a:00:00:00:00:02' }, 1, /failed to find a subnet for address 172\.16\.0\.1/],
    ['lease4-add', { 'ip-address': '10.0.0.16', 'hw-address': '0a:00:00:00:00:02', 'subnet-id': 2 }, 1, /does not belong to subnet 192\.0\.2\.0\/24/],
    ['lease4-add', { 'ip-address': '10.0.0.16', 'hw-address': '0a:00:00:00:00:02', 'subnet-id': 9 }, 1, /subnet-id=9/],
    ['lease4-add', { 'ip-address': 12, 'hw-address': 'zz', 'valid-lft': -1 }, 1,
      /^arguments\.ip-address: expected an IPv4 address, got 12; arguments\.hw-address: expected .*hex bytes.*got "zz"; arguments\.valid-lft: expected an integer 0\.\.4294967295, got -1$/],
    ['lease4-add', { 'ip-address': '192.0.2.105', 'hw-address': '0a:00:00:00:00:02', expire: 2_000_003_600, 'valid-lft': 3600, state: 1 }, 0, /subnet-id 2 added/],
    ['lease4-get', { 'ip-address': '10.0.0.15' }, 0, /^IPv4 lease found\.$/,
      ['client-id', 'cltt', 'fqdn-fwd', 'fqdn-rev', 'hostname', 'hw-address', 'ip-address', 'state', 'subnet-id', 'valid-lft']],
    ['lease4-get', { 'identifier-type': 'hw-address', identifier: '0A-00-00-00-00-01', 'subnet-id': 1 }, 0, /found/],
    ['lease4-get', { 'identifier-type': 'client-id', identifier: '01:0a:00:00:00:00:01', 'subnet-id': 1 }, 0, /found/],
    ['lease4-get', { 'identifier-type': 'client-id', identifier: '01:0a:00:00:00:00:01', 'subnet-id': 2 }, 3, /^Lease not found\.$/],
    ['lease4-get', { 'identifier-type': 'duid', identifier: '01', 'subnet-id': 1 }, 1, /arguments\.identifier-type: expected one of "hw-address", "client-id", got "duid"/],
    ['lease4-get', { 'identifier-type': 'hw-address' }, 1, /arguments\.identifier: required.*arguments\.subnet-id: required/],
    ['lease4-get', undefined, 1, /^arguments: expected ip-address, or identifier-type \+ identifier \+ subnet-id$/],
    ['lease4-get-all', { subnets: [2] }, 0, /^1 IPv4 lease/, ['leases']],
    ['lease4-get-all', { subnets: [1, 'x'] }, 1, /^arguments\.subnets\[1\]: expected an integer/],
    ['lease4-get-page', { from: 'start', limit: 1 }, 0, /^1 IPv4/, ['count', 'leases']],
    ['lease4-get-page', { from: '10.0.0.15', limit: 5 }, 0, /^1 IPv4/, ['count', 'leases']],
    ['lease4-get-page', { from: '192.0.2.105', limit: 5 }, 3, /^0 IPv4/, ['count', 'leases']],
    ['lease4-get-page', { from: 'middle', limit: 0 }, 1, /arguments\.limit: expected an integer 1\.\.100000, got 0/],
    ['lease4-get-page', { from: 'middle', limit: 3 }, 1, /arguments\.from: expected "start" or an IPv4 address/],
    ['lease4-get-by-hw-address', { 'hw-address': '0a:00:00:00:00:01' }, 0, /^1 IPv4/, ['leases']],
    ['lease4-get-by-hw-address', { 'hw-address': '0a:00:00:00:00:77' }, 3, /^0 IPv4/, ['leases']],
    ['lease4-get-by-client-id', { 'client-id': '01:0a:00:00:00:00:01' }, 0, /^1 IPv4/, ['leases']],
    ['lease4-get-by-client-id', {}, 1, /arguments\.client-id: required/],
    ['lease4-get-by-hostname', { hostname: 'one' }, 0, /^1 IPv4/, ['leases']],
    ['lease4-get-by-hostname', { hostname: '' }, 1, /arguments\.hostname: expected a non-empty string/],
    ['lease4-update', { ...L, hostname: 'renamed' }, 0, /^IPv4 lease updated\.$/],
    ['lease4-update', { 'ip-address': '10.0.0.17', 'hw-address': '0a:00:00:00:00:03' }, 1, /^failed to update the lease with address 10\.0\.0\.17/],
    ['lease4-update', { 'ip-address': '10.0.0.17', 'hw-address': '0a:00:00:00:00:03', 'force-create': true }, 0, /^IPv4 lease added\.$/],
    ['lease4-update', { 'ip-address': '10.0.0.17', 'hw-address': '0a:00:00:00:00:03', 'force-create': 'yes' }, 1, /arguments\.force-create: expected a boolean, got "yes"/],
    ['lease4-del', { 'ip-address': '10.0.0.17' }, 0, /^IPv4 lease deleted\.$/],
    ['lease4-del', { 'ip-address': '10.0.0.17' }, 3, /^IPv4 lease not found\.$/],
    ['lease4-del', { 'identifier-type': 'hw-address', identifier: '0a:00:00:00:00:02', 'subnet-id': 2 }, 0, /deleted/],
    ['lease4-wipe', { 'subnet-id': 'one' }, 1, /arguments\.subnet-id: expected an integer/],
    ['lease4-wipe', { 'subnet-id': 1 }, 0, /^Deleted 1 IPv4 lease\(s\) from subnet\(s\) 1$/],
    ['lease4-wipe', undefined, 3, /^Deleted 0 IPv4 lease\(s\) from subnet\(s\) 1 2$/],
    ['leases-reclaim', { remove: true }, 0, /^Reclamation of expired leases is complete/],
    ['leases-reclaim', undefined, 1, /^arguments\.remove: required \(a boolean\)$/],
    ['subnet4-list', undefined, 0, /^2 IPv4 subnet/, ['subnets']],
    ['subnet4-get', { id: 1 }, 0, /10\.0\.0\.0\/24 \(id 1\)/, ['subnet4']],
    ['subnet4-get', { subnet: '192.0.2.7/24' }, 0, /192\.0\.2\.0\/24 \(id 2\)/, ['subnet4']],
    ['subnet4-get', { id: 5 }, 3, /^No subnet with id 5 found$/],
    ['subnet4-get', { id: 1, subnet: '10.0.0.0/24' }, 1, /^arguments: expected exactly one of id and subnet$/],
    ['statistic-get', { name: 'pkt4-received' }, 0, null, ['pkt4-received']],
    ['statistic-get', { name: 'nope' }, 0, null, []],
    ['statistic-get', { name: 3 }, 1, /^arguments\.name: expected a non-empty string/],
    ['statistic-get-all', undefined, 0, null],
    ['statistic-reset', { name: 'pkt4-received' }, 0, /^Statistic 'pkt4-received' reset\.$/],
    ['statistic-reset', { name: 'subnet[1].assigned-addresses' }, 1, /cannot be reset/],
    ['statistic-reset', { name: 'nope' }, 1, /No 'nope' statistic found/],
    ['statistic-reset-all', undefined, 0, /reset/],
    ['dhcp-disable', { 'max-period': 0 }, 1, /arguments\.max-period: expected an integer 1\.\./],
    ['dhcp-disable', { 'max-period': 60 }, 0, /^DHCPv4 service disabled for 60 seconds$/],
    ['dhcp-enable', undefined, 0, /^DHCP service successfully enabled$/],
    ['config-get', undefined, 0, null, ['Dhcp4', 'hash']],
    ['config-test', { Dhcp4: { subnet4: [{ id: 1, subnet: 'x' }] } }, 1, /^configuration refused: Dhcp4\.subnet4\[0\]\.subnet: /],
    ['config-test', { dhcp4: {} }, 1, /^arguments\.Dhcp4: required \(an object\)$/],
    ['config-reload', undefined, 0, /^Configuration successful\.$/],
  ];
  for (const [i, [command, args, result, text, keys]] of rows.entries()) {
    it(`${i}: ${command} ${JSON.stringify(args) ?? ''} → ${result}`, async () => {
      const r = await s.call(command, args);
      assert.equal(r.result, result, r.text);
      if (text !== null) assert.match(r.text, text);
      if (keys !== undefined) assert.deepEqual(Object.keys(r.arguments ?? {}).sort(), keys);
    });
  }

  it('statistic values come in Kea\'s [[value, "YYYY-MM-DD hh:mm:ss.ffffff"]] shape', async () => {
    await s.offer('0a:00:00:00:00:42');
    const r = await s.call('statistic-get', { name: 'pkt4-received' });
    const [[value, at]] = (r.arguments as Record<string, [[number, string]]>)['pkt4-received']!;
    assert.equal(value, 1);
    assert.match(at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('dhcp-disable stops answering DHCP and dhcp-enable resumes', async () => {
    assert.equal((await s.call('dhcp-disable')).result, 0);
    assert.equal((await s.call('status-get')).arguments!['dhcp-state'], 'disabled');
    assert.equal(await s.offer('0a:00:00:00:00:43'), null);
    assert.equal((await s.call('dhcp-enable')).result, 0);
    assert.ok(await s.offer('0a:00:00:00:00:43'));
  });

  it('config-set refuses a bad config with every issue and keeps the running one; applies a good one', async () => {
    const good = (await s.call('config-get')).arguments!;
    const bad = { Dhcp4: { subnet4: [{ id: 1, subnet: '10.0.0.0/24', pools: [{ pool: '10.9.9.1 - 10.9.9.2' }] }, { id: 1, subnet: 'y' }] } };
    const r = await s.call('config-set', bad);
    assert.equal(r.result, 1);
    assert.match(r.text, /Dhcp4\.subnet4\[0\]\.pools\[0\]/);
    assert.match(r.text, /Dhcp4\.subnet4\[1\]/);
    assert.equal((await s.call('subnet4-list')).arguments!['subnets'] instanceof Array, true);
    assert.equal(((await s.call('subnet4-list')).arguments!['subnets'] as unknown[]).length, 2);
    const ok = await s.call('config-set', { Dhcp4: good['Dhcp4'] });
    assert.equal(ok.result, 0, ok.text);
    const w = await s.call('config-write', { filename: join(s.dir, 'out.json') });
    assert.equal(w.result, 0);
    assert.equal(w.arguments!['size'], readFileSync(join(s.dir, 'out.json')).length);
  });
});

describe('control handler: the API and live DHCP agree', () => {
  it('a lease added by API is not offered; once deleted, its address is offered again', async () => {
    const s = await aControlledServer((dir) => {
      const c = (JSON.parse(JSON.stringify(twoSubnetConfig(dir))) as { Dhcp4: { subnet4: Array<{ pools: unknown[] }> } });
      c.Dhcp4.subnet4[0]!.pools = [{ pool: '10.0.0.10 - 10.0.0.10' }];
      return c;
    });
    try {
      const add = await s.call('lease4-add', { 'ip-address': '10.0.0.10', 'hw-address': '0a:00:00:00:00:01' });
      assert.equal(add.result, 0, add.text);
      assert.equal((await s.server.store.get4(0x0a00000a))?.hwAddress, '0a:00:00:00:00:01');
      assert.equal(await s.offer('0a:00:00:00:00:02'), null, 'the only address is leased by API');
      assert.equal((await s.call('lease4-del', { 'ip-address': '10.0.0.10' })).result, 0);
      assert.equal(await s.offer('0a:00:00:00:00:02'), '10.0.0.10');
    } finally {
      await s.close();
    }
  });

  it('reservations: add, get, get-all, del edit the running config atomically', async () => {
    const s = await aControlledServer();
    try {
      const res = { 'subnet-id': 1, 'hw-address': '0A:00:00:00:00:05', 'ip-address': '10.0.0.50', hostname: 'printer' };
      const rows: Array<[string, unknown, number, RegExp]> = [
        ['reservation-add', { reservation: res }, 0, /^Host added\.$/],
        ['reservation-add', { reservation: res }, 1, /already exists/],
        ['reservation-add', { reservation: { ...res, 'subnet-id': 7 } }, 1, /subnet with ID 7 not found/],
        ['reservation-add', { reservation: { 'subnet-id': 1, 'hw-address': '0a:00:00:00:00:06', 'client-id': '01:02' } }, 1, /exactly one identifier/],
        ['reservation-add', { reservation: { 'subnet-id': 1, 'hw-address': '0a:00:00:00:00:06', 'option-data': [{ name: 'no-such-option', data: '1' }] } }, 1, /^configuration refused: Dhcp4\.subnet4\[0\]\.reservations\[1\]/],
        ['reservation-get', { 'subnet-id': 1, 'identifier-type': 'hw-address', identifier: '0a:00:00:00:00:05' }, 0, /^Host found\.$/],
        ['reservation-get', { 'subnet-id': 1, 'ip-address': '10.0.0.50' }, 0, /^Host found\.$/],
        ['reservation-get', { 'subnet-id': 1, 'ip-address': '10.0.0.51' }, 3, /^Host not found\.$/],
        ['reservation-get', { 'subnet-id': 1 }, 1, /^arguments: expected identifier-type \+ identifier, or ip-address$/],
        ['reservation-get-all', { 'subnet-id': 1 }, 0, /^1 IPv4 host/],
        ['reservation-get-all', { 'subnet-id': 2 }, 3, /^0 IPv4 host/],
        ['reservation-del', { 'subnet-id': 1, 'identifier-type': 'hw-address', identifier: '0a:00:00:00:00:05' }, 0, /^Host deleted\.$/],
        ['reservation-del', { 'subnet-id': 1, 'identifier-type': 'hw-address', identifier: '0a:00:00:00:00:05' }, 3, /not found/],
      ];
      for (const [command, args, result, text] of rows) {
        const r = await s.call(command, args);
        assert.equal(r.result, result, `${command} ${JSON.stringify(args)}: ${r.text}`);
        assert.match(r.text, text);
        if (command === 'reservation-add' && result === 0) {
          assert.equal(s.server.config().subnets[0]!.reservations.length, 1);
          assert.equal(s.server.config().subnets[0]!.reservations[0]!.hwAddress, '0a:00:00:00:00:05');
          assert.equal(await s.offer('0a:00:00:00:00:05'), '10.0.0.50');
        }
      }
      assert.equal(s.server.config().subnets[0]!.reservations.length, 0);
      // persist: true writes the config file too.
      assert.equal((await s.call('reservation-add', { reservation: res, persist: true })).result, 0);
      assert.match(readFileSync(s.path, 'utf8'), /0a:00:00:00:00:05/);
    } finally {
      await s.close();
    }
  });

  it('shutdown answers, then asks the server to stop', async () => {
    const s = await aControlledServer();
    try {
      assert.equal((await s.call('shutdown')).result, 0);
      await new Promise((r) => setImmediate(r));
      assert.equal(s.shutdownRequests(), 1);
      assert.ok(existsSync(s.path));
    } finally {
      await s.close();
    }
  });
});
