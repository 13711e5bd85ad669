// The CLI's control commands against a scripted server: argument parsing, the calls they make,
// tables and JSON output, exit codes, paging with progress, and the journal fallback.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { ControlClientError } from '../../src/control-client/index.ts';
import type { ControlResponse, ControlTarget } from '../../src/control-client/index.ts';

type Call = { command: string; args: object | undefined; target: ControlTarget };
type Script = (command: string, args: Record<string, unknown> | undefined) => ControlResponse;

function fakeIo(script: Script, o: { tty?: boolean; unreachable?: boolean } = {}) {
  const calls: Call[] = [];
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => { out += t; },
    err: (t) => { err += t; },
    errIsTTY: o.tty ?? false,
    connect: (target) => ({
      where: 'socket' in target ? target.socket : target.url,
      async call(command, args) {
        calls.push({ command, args, target });
        if (o.unreachable) throw new ControlClientError('ERR_CONTROL_CLIENT_CONNECT', 'cannot reach the control socket x: ENOENT');
        return script(command, args as Record<string, unknown> | undefined);
      },
    }),
  };
  return { io, calls, out: () => out, err: () => err };
}

const ok = (args?: Record<string, unknown>, text = 'ok'): ControlResponse =>
  args === undefined ? { result: 0, text } : { result: 0, text, arguments: args };
const lease = (ip: string, mac: string, subnet = 1, extra: Record<string, unknown> = {}) => ({
  'ip-address': ip, 'hw-address': mac, 'valid-lft': 600, cltt: 1_800_000_000, 'subnet-id': subnet,
  hostname: '', state: 0, 'fqdn-fwd': false, 'fqdn-rev': false, ...extra,
});
const S = ['--socket', '/run/t.sock'];

describe('tandem ctl', () => {
  it('builds arguments from --arg (typed values, dotted keys) over --args-json, and prints the response', async () => {
    const f = fakeIo(() => ok({ x: 1 }, 'done'));
    const code = await main(['ctl', 'reservation-add', ...S, '--args-json', '{"reservation":{"hostname":"h"},"keep":"me"}',
      '--arg', 'reservation.subnet-id=1', '--arg', 'reservation.ip-address=10.0.0.5', '-a', 'reservation.hw-address=1a:2b:3c:4d:5e:6f',
      '--arg', 'flag=true', '--arg', 'list=[1,"a"]', '--arg', 'n=-2.5', '--arg', 'zip=007', '--arg', 'none=null', '--arg', 'q="12"'], f.io);
    assert.equal(code, 0);
    assert.deepEqual(f.calls[0], {
      command: 'reservation-add', target: { socket: '/run/t.sock' },
      args: {
        reservation: { hostname: 'h', 'subnet-id': 1, 'ip-address': '10.0.0.5', 'hw-address': '1a:2b:3c:4d:5e:6f' },
        keep: 'me', flag: true, list: [1, 'a'], n: -2.5, zip: '007', none: null, q: '12',
      },
    });
    assert.equal(f.out(), 'result 0 (success): done\n{\n  "x": 1\n}\n');
  });

  it('sends no arguments when none are given, and --json prints the whole response', async () => {
    const f = fakeIo(() => ({ result: 0, text: 'v', arguments: { extended: 'e' } }));
    assert.equal(await main(['ctl', 'version-get', '--json', ...S], f.io), 0);
    assert.equal(f.calls[0]?.args, undefined);
    assert.deepEqual(JSON.parse(f.out()), { result: 0, text: 'v', arguments: { extended: 'e' } });
  });

  for (const [result, exit] of [[1, 1], [2, 1], [3, 3], [4, 1]] as const) {
    it(`exits ${exit} on result ${result}`, async () => {
      const f = fakeIo(() => ({ result, text: 'nope' }));
      assert.equal(await main(['ctl', 'lease4-get', ...S, '--arg', 'ip-address=10.0.0.9'], f.io), exit);
    });
  }

  const usage: [string, string[], RegExp][] = [
    ['no command', ['ctl', ...S], /needs a COMMAND/],
    ['two commands', ['ctl', 'a', 'b', ...S], /takes one COMMAND/],
    ['--arg without =', ['ctl', 'x', ...S, '--arg', 'oops'], /expected key=value/],
    ['bad JSON value', ['ctl', 'x', ...S, '--arg', 'a=[1,'], /looks like JSON but is not/],
    ['--args-json not an object', ['ctl', 'x', ...S, '--args-json', '[1]'], /expected a JSON object/],
    ['key under a value', ['ctl', 'x', ...S, '--arg', 'a=1', '--arg', 'a.b=2'], /'a' already holds a value/],
    ['unknown option', ['ctl', 'x', ...S, '--bogus'], /Unknown option '--bogus'/],
    ['socket and url', ['ctl', 'x', ...S, '--url', 'http://127.0.0.1:8000/'], /only one of --socket and --url/],
    ['bad timeout', ['ctl', 'x', ...S, '--timeout', 'soon'], /--timeout/],
  ];
  for (const [name, argv, re] of usage) {
    it(`usage error (exit 2): ${name}`, async () => {
      const f = fakeIo(() => ok());
      assert.equal(await main(argv, f.io), 2);
      assert.match(f.err(), re);
      assert.equal(f.calls.length, 0, 'nothing was sent');
    });
  }

  it('an unreachable server is exit 1 with the reason', async () => {
    const f = fakeIo(() => ok(), { unreachable: true });
    assert.equal(await main(['ctl', 'status-get', ...S], f.io), 1);
    assert.match(f.err(), /cannot reach the control socket/);
  });

  it('--url with --user and --password-file sends the credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-ctl-'));
    try {
      writeFileSync(join(dir, 'pw'), 's3cret\n');
      const f = fakeIo(() => ok());
      assert.equal(await main(['ctl', 'status-get', '--url', 'https://127.0.0.1:8443/', '--user', 'admin',
        '--password-file', join(dir, 'pw'), '--ca', '/x/ca.pem'], f.io), 0);
      assert.deepEqual(f.calls[0]?.target, { url: 'https://127.0.0.1:8443/', user: 'admin', password: 's3cret', ca: '/x/ca.pem' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tandem leases', () => {
  const many = Array.from({ length: 1003 }, (_, i) =>
    lease(`10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`, `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, i < 3 ? 2 : 1,
      i === 0 ? { hostname: 'Printer-7', state: 1 } : {}));
  const pager: Script = (command, args) => {
    assert.equal(command, 'lease4-get-page');
    const from = args?.['from'];
    const limit = Number(args?.['limit']);
    const start = from === 'start' ? 0 : many.findIndex((l) => l['ip-address'] === from) + 1;
    const page = many.slice(start, start + limit);
    return page.length === 0 ? { result: 3, text: '0 IPv4 lease(s) found.' } : ok({ leases: page, count: page.length });
  };

  it('pages through lease4-get-page and shows progress on a TTY', async () => {
    const f = fakeIo(pager, { tty: true });
    assert.equal(await main(['leases', ...S, '--json'], f.io), 0);
    assert.equal((JSON.parse(f.out()) as unknown[]).length, 1003);
    assert.deepEqual(f.calls.map((c) => (c.args as { from: string }).from), ['start', '10.1.3.250']);
    assert.match(f.err(), /fetching leases: 1003 done\n$/);
  });

  it('shows no progress when stderr is not a TTY', async () => {
    const f = fakeIo(pager);
    await main(['leases', ...S, '--json'], f.io);
    assert.equal(f.err(), '');
  });

  it('filters by subnet, MAC (any case and separator), hostname glob and state', async () => {
    const cases: [string[], string[]][] = [
      [['--subnet', '2'], ['10.1.0.1', '10.1.0.2', '10.1.0.3']],
      [['--mac', '02-00-00-00-00-0A'], ['10.1.0.11']],
      [['--hostname', 'printer-*'], ['10.1.0.1']],
      [['--state', 'declined'], ['10.1.0.1']],
      [['--subnet', '2', '--state', 'default'], ['10.1.0.2', '10.1.0.3']],
    ];
    for (const [filter, want] of cases) {
      const f = fakeIo(pager);
      assert.equal(await main(['leases', ...S, '--json', ...filter], f.io), 0);
      assert.deepEqual((JSON.parse(f.out()) as { 'ip-address': string }[]).map((l) => l['ip-address']), want, filter.join(' '));
    }
  });

  it('prints a table with one row per lease and a count', async () => {
    const f = fakeIo(() => ok({ leases: [lease('10.0.0.5', '02:aa:bb:cc:dd:ee', 1, { hostname: 'pc1', 'client-id': '01:02' })], count: 1 }));
    assert.equal(await main(['leases', ...S], f.io), 0);
    assert.equal(f.out(), [
      'address   hw-address         client-id  subnet  state    expires               hostname',
      '10.0.0.5  02:aa:bb:cc:dd:ee  01:02      1       default  2027-01-15T08:10:00Z  pc1',
      '1 lease', ''].join('\n'));
  });

  it('falls back to lease4-get-all where paging is unsupported', async () => {
    const f = fakeIo((c) => c === 'lease4-get-page' ? { result: 2, text: "'lease4-get-page' command not supported." }
      : ok({ leases: [lease('10.0.0.5', '02:aa:bb:cc:dd:ee')] }));
    assert.equal(await main(['leases', ...S, '--json'], f.io), 0);
    assert.deepEqual(f.calls.map((c) => c.command), ['lease4-get-page', 'lease4-get-all']);
  });

  it('reads the journal when the server named by --config cannot be reached, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-ctl-'));
    try {
      const config = join(dir, 't.json');
      writeFileSync(config, JSON.stringify({ Dhcp4: { 'interfaces-config': { interfaces: [] },
        'lease-database': { type: 'memfile', name: join(dir, 'l.jsonl') },
        subnet4: [{ id: 1, subnet: '10.0.0.0/24', pools: [{ pool: '10.0.0.10 - 10.0.0.20' }] }] } }));
      const f = fakeIo(() => ok(), { unreachable: true });
      assert.equal(await main(['leases', '--config', config, '--json'], f.io), 0);
      assert.deepEqual(JSON.parse(f.out()), []);
      assert.deepEqual(f.calls[0]?.target, { socket: join(dir, 'tandem4-ctrl.sock') }, 'default socket beside the lease file');
      assert.match(f.err(), /cannot reach .*showing the leases stored in .*l\.jsonl instead/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tandem lease, reservations, stats, status', () => {
  it('lease add/show/del map to lease4-add/-get/-del', async () => {
    const f = fakeIo((c) => c === 'lease4-get' ? ok(lease('10.0.0.7', '02:00:00:00:00:07', 1, { hostname: 'h7' }), 'IPv4 lease found.')
      : c === 'lease4-del' ? { result: 3, text: 'IPv4 lease not found.' } : ok(undefined, 'Lease for address 10.0.0.7, subnet-id 1 added.'));
    assert.equal(await main(['lease', 'add', '10.0.0.7', '--mac', '02:00:00:00:00:07', '--subnet', '1', '--hostname', 'h7', '--valid-lft', '900', ...S], f.io), 0);
    assert.equal(await main(['lease', 'show', '10.0.0.7', ...S], f.io), 0);
    assert.equal(await main(['lease', 'del', '10.0.0.7', ...S], f.io), 3);
    assert.deepEqual(f.calls.map((c) => [c.command, c.args]), [
      ['lease4-add', { 'ip-address': '10.0.0.7', 'hw-address': '02:00:00:00:00:07', 'subnet-id': 1, hostname: 'h7', 'valid-lft': 900 }],
      ['lease4-get', { 'ip-address': '10.0.0.7' }],
      ['lease4-del', { 'ip-address': '10.0.0.7' }],
    ]);
    assert.match(f.out(), /^Lease for address 10\.0\.0\.7, subnet-id 1 added\.\naddress +10\.0\.0\.7\nhw-address +02:00:00:00:00:07\n/);
    assert.match(f.out(), /hostname +h7\n/);
    assert.match(f.err(), /no lease for 10\.0\.0\.7/);
  });

  it('lease usage mistakes exit 2', async () => {
    for (const argv of [['lease'], ['lease', 'add', '10.0.0.1'], ['lease', 'show'], ['lease', 'del', '10.0.0.1', '--mac', 'x'],
      ['lease', 'add', '10.0.0.1', '--mac', 'm', '--subnet', 'one']]) {
      const f = fakeIo(() => ok());
      assert.equal(await main([...argv, ...S], f.io), 2, argv.join(' '));
    }
  });

  it('reservations add/del/list map to reservation-add/-del/-get-all', async () => {
    const f = fakeIo((c, a) => c === 'subnet4-list' ? ok({ subnets: [{ id: 1, subnet: '10.0.0.0/24' }, { id: 2, subnet: '10.0.1.0/24' }] })
      : c === 'reservation-get-all' ? (a?.['subnet-id'] === 1
        ? ok({ hosts: [{ 'hw-address': '02:00:00:00:00:01', 'ip-address': '10.0.0.3', hostname: 'r1' }] })
        : { result: 3, text: '0 IPv4 host(s) found.' })
      : ok(undefined, 'Host added.'));
    assert.equal(await main(['reservations', 'add', '--subnet', '1', '--mac', '02:00:00:00:00:01', '--ip', '10.0.0.3', '--hostname', 'r1', ...S], f.io), 0);
    assert.equal(await main(['reservations', 'del', '--subnet', '1', '--client-id', '01:02:03', ...S], f.io), 0);
    assert.equal(await main(['reservations', 'del', '--subnet', '1', '--ip', '10.0.0.3', ...S], f.io), 0);
    assert.equal(await main(['reservations', 'list', ...S], f.io), 0);
    assert.deepEqual(f.calls.map((c) => [c.command, c.args]), [
      ['reservation-add', { reservation: { 'subnet-id': 1, 'hw-address': '02:00:00:00:00:01', 'ip-address': '10.0.0.3', hostname: 'r1' } }],
      ['reservation-del', { 'subnet-id': 1, 'identifier-type': 'client-id', identifier: '01:02:03' }],
      ['reservation-del', { 'subnet-id': 1, 'ip-address': '10.0.0.3' }],
      ['subnet4-list', undefined],
      ['reservation-get-all', { 'subnet-id': 1 }],
      ['reservation-get-all', { 'subnet-id': 2 }],
    ]);
    assert.match(f.out(), /subnet +ip-address +hw-address +client-id +hostname\n1 +10\.0\.0\.3 +02:00:00:00:00:01 +r1\n1 reservation\n$/);
  });

  it('stats: one row per subnet from subnet4-list and statistic-get-all, and totals', async () => {
    const stat = (v: number) => [[v, '2026-11-23 06:00:00.000000'], [0, '2026-11-23 05:00:00.000000']];
    const f = fakeIo((c) => c === 'subnet4-list' ? ok({ subnets: [{ id: 1, subnet: '10.0.0.0/24' }, { id: 7, subnet: '10.7.0.0/16' }] })
      : ok({ 'subnet[1].total-addresses': stat(100), 'subnet[1].assigned-addresses': stat(42), 'subnet[1].declined-addresses': stat(3),
        'subnet[7].total-addresses': stat(0), 'pkt4-received': stat(9) }));
    assert.equal(await main(['stats', ...S], f.io), 0);
    assert.equal(f.out(), [
      'subnet  prefix       size  assigned  free  declined  in use',
      '1       10.0.0.0/24   100        42    55         3  45.0 %',
      '7       10.7.0.0/16     0         0     0         0   0.0 %',
      'total: 100 addresses, 42 assigned, 3 declined, 55 free', ''].join('\n'));
    const j = fakeIo((c) => c === 'subnet4-list' ? { result: 2, text: 'not supported' }
      : ok({ 'subnet[3].total-addresses': stat(10), 'subnet[3].assigned-addresses': stat(1) }));
    assert.equal(await main(['stats', ...S, '--json'], j.io), 0);
    assert.deepEqual(JSON.parse(j.out()), [{ 'subnet-id': 3, subnet: '', size: 10, assigned: 1, declined: 0, free: 9, utilisation: 10 }]);
  });

  it('status prints status-get and version-get as aligned lines', async () => {
    const f = fakeIo((c) => c === 'status-get' ? ok({ pid: 42, uptime: 3723, reload: 5, sockets: { status: 'ready' } })
      : c === 'version-get' ? ok({ extended: 'x' }, '0.1.0') : ok({ subnets: [{ id: 1 }] }));
    assert.equal(await main(['status', ...S], f.io), 0);
    assert.equal(f.out(), ['server   /run/t.sock', 'version  0.1.0', 'pid      42', 'uptime   1h 2m 3s', 'reload   5s',
      'sockets  {"status":"ready"}', 'subnets  1', ''].join('\n'));
  });
});
