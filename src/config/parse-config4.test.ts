import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, formatConfigIssue, parseConfig4 } from './index.ts';
import type { ConfigIssue } from './index.ts';

const wrap = (dhcp4: object) => JSON.stringify({ Dhcp4: dhcp4 });
const ok = (dhcp4: object, opts: Parameters<typeof parseConfig4>[1] = {}) => {
  const r = parseConfig4(wrap(dhcp4), opts);
  assert.notEqual(r.config, null, r.issues.map(formatConfigIssue).join('\n'));
  return { config: r.config!, issues: r.issues };
};
const bytes = (...b: number[]) => Uint8Array.from(b);

describe('parseConfig4 defaults and inheritance', () => {
  it('fills Kea defaults', () => {
    const { config } = ok({ subnet4: [{ id: 1, subnet: '10.0.0.0/24' }] });
    assert.deepEqual(config.interfaces, []);
    assert.deepEqual(config.leaseDatabase, { type: 'memfile', persist: true, name: '/var/lib/tandem/leases4.jsonl', lfcInterval: 3600 });
    assert.equal(config.declineProbationPeriod, 86400);
    assert.deepEqual(config.expiredLeasesProcessing, {
      reclaimTimerWaitTime: 10, flushReclaimedTimerWaitTime: 25, holdReclaimedTime: 3600,
      maxReclaimLeases: 100, maxReclaimTime: 250, unwarnedReclaimCycles: 5,
    });
    const s = config.subnets[0]!;
    assert.deepEqual(s.validLifetime, { default: 7200, min: 7200, max: 7200 });
    assert.equal(s.renewTimer, null);
    assert.equal(s.rebindTimer, null);
    assert.equal(s.authoritative, false);
    assert.equal(s.matchClientId, true);
    assert.equal(s.offerDelayMs, 0);
    assert.equal(s.interface, null);
    assert.equal(config.source, null);
  });

  it('takes each value from the subnet, else the global level', () => {
    const { config } = ok({
      'valid-lifetime': 600, 'min-valid-lifetime': 300, 'max-valid-lifetime': 900, 'renew-timer': 100,
      'rebind-timer': 200, authoritative: true, 'match-client-id': false, 'offer-delay-ms': 50,
      subnet4: [
        { id: 1, subnet: '10.0.0.0/24' },
        { id: 2, subnet: '10.0.1.0/24', 'valid-lifetime': 800, 'renew-timer': 400, 'rebind-timer': 700, authoritative: false, 'offer-delay-ms': 0 },
      ],
    });
    const [a, b] = config.subnets;
    assert.deepEqual(a!.validLifetime, { default: 600, min: 300, max: 900 });
    assert.deepEqual([a!.renewTimer, a!.rebindTimer, a!.authoritative, a!.matchClientId, a!.offerDelayMs], [100, 200, true, false, 50]);
    assert.deepEqual(b!.validLifetime, { default: 800, min: 300, max: 900 });
    assert.deepEqual([b!.renewTimer, b!.rebindTimer, b!.authoritative, b!.matchClientId, b!.offerDelayMs], [400, 700, false, false, 0]);
  });

  it('leaves T1/T2 null with calculate-tee-times so the server uses 50 % / 87.5 %', () => {
    const { config, issues } = ok({ 'calculate-tee-times': true, 't1-percent': 0.5, 't2-percent': 0.875, subnet4: [{ id: 1, subnet: '10.0.0.0/24' }] });
    assert.equal(config.subnets[0]!.renewTimer, null);
    assert.deepEqual(issues, []);
  });

  it('merges options global < subnet, and keeps pool and reservation options at their own level', () => {
    const { config } = ok({
      'option-data': [
        { name: 'routers', data: '10.0.0.254' },
        { name: 'domain-name-servers', data: '10.0.0.53', 'always-send': true },
      ],
      subnet4: [{
        id: 1, subnet: '10.0.0.0/24',
        'option-data': [{ code: 3, data: '10.0.0.1' }],
        pools: [{ pool: '10.0.0.10 - 10.0.0.20', 'option-data': [{ name: 'domain-name-servers', data: '10.0.0.54' }] }],
        reservations: [{ 'hw-address': '0A:0B:0C:0D:0E:0F', 'ip-address': '10.0.0.5', 'option-data': [{ name: 'routers', data: '10.0.0.2' }] }],
      }],
    });
    const s = config.subnets[0]!;
    assert.deepEqual([...s.options.keys()].sort((x, y) => x - y), [3, 6]);
    assert.deepEqual(s.options.get(3), { code: 3, data: bytes(10, 0, 0, 1), alwaysSend: false });
    assert.deepEqual(s.options.get(6), { code: 6, data: bytes(10, 0, 0, 53), alwaysSend: true });
    assert.deepEqual([...s.pools[0]!.options.values()], [{ code: 6, data: bytes(10, 0, 0, 54), alwaysSend: false }]);
    const h = s.reservations[0]!;
    assert.equal(h.hwAddress, '0a:0b:0c:0d:0e:0f');
    assert.equal(h.clientId, null);
    assert.equal(h.address, 0x0a000005);
    assert.equal(h.hostname, '');
    assert.deepEqual([...h.options.values()], [{ code: 3, data: bytes(10, 0, 0, 2), alwaysSend: false }]);
  });

  it('accepts a client-id as hex or as quoted text, and normalizes it', () => {
    const { config } = ok({ subnet4: [{ id: 1, subnet: '10.0.0.0/24', reservations: [
      { 'client-id': '01-AA-bb-cc-dd-ee-ff' }, { 'client-id': "'ab'" },
    ] }] });
    assert.deepEqual(config.subnets[0]!.reservations.map((r) => r.clientId), ['01:aa:bb:cc:dd:ee:ff', '61:62']);
  });

  it('reads pools, relays, interface and exclusions', () => {
    const { config } = ok({
      'interfaces-config': { interfaces: ['eth0', 'eth1/10.1.0.1', '*'] },
      subnet4: [
        { id: 1, subnet: '10.0.0.0/24', interface: 'eth0', pools: [{ pool: '10.0.0.64/26' }, { pool: '10.0.0.10-10.0.0.20' }],
          exclusions: ['10.0.0.15', '10.0.0.70 - 10.0.0.72'] },
        { id: 2, subnet: '10.2.0.0/24', relay: { 'ip-address': '10.9.9.9' } },
        { id: 3, subnet: '10.3.0.0/24', relay: { 'ip-addresses': ['10.3.0.1', '10.9.9.8'] } },
      ],
    });
    assert.deepEqual(config.interfaces, [{ name: 'eth0', address: null }, { name: 'eth1', address: 0x0a010001 }, { name: '*', address: null }]);
    const [a, b, c] = config.subnets;
    assert.deepEqual(a!.pools.map((p) => [p.first, p.last]), [[0x0a000040, 0x0a00007f], [0x0a00000a, 0x0a000014]]);
    assert.deepEqual(a!.exclusions, [[0x0a00000f, 0x0a00000f], [0x0a000046, 0x0a000048]]);
    assert.equal(a!.interface, 'eth0');
    assert.deepEqual(b!.relayAddresses, [0x0a090909]);
    assert.deepEqual(c!.relayAddresses, [0x0a030001, 0x0a090908]);
  });

  it('resolves a relative lease file against baseDir, else dataDir', () => {
    const db = (name: string) => ({ 'lease-database': { type: 'memfile', name, persist: false, 'lfc-interval': 0 } });
    assert.equal(ok(db('l.jsonl'), { baseDir: '/etc/tandem' }).config.leaseDatabase.name, '/etc/tandem/l.jsonl');
    assert.equal(ok(db('l.jsonl'), { dataDir: '/srv/t' }).config.leaseDatabase.name, '/srv/t/l.jsonl');
    assert.equal(ok(db('/x/l.jsonl'), { baseDir: '/etc' }).config.leaseDatabase.name, '/x/l.jsonl');
    assert.equal(ok({}, { dataDir: '/srv/t' }).config.leaseDatabase.name, '/srv/t/leases4.jsonl');
    assert.deepEqual(ok(db('a')).config.leaseDatabase, { type: 'memfile', persist: false, name: '/var/lib/tandem/a', lfcInterval: 0 });
  });
});

describe('parseConfig4 subnet ids', () => {
  it('numbers subnets without id around the explicit ones, and warns for each', () => {
    const { config, issues } = ok({ subnet4: [
      { subnet: '10.0.0.0/24' }, { id: 1, subnet: '10.0.1.0/24' }, { subnet: '10.0.2.0/24' }, { id: 0, subnet: '10.0.3.0/24' },
    ] });
    assert.deepEqual(config.subnets.map((s) => s.id), [2, 1, 3, 4]);
    const warned = issues.filter((i) => /has no 'id'; using/.test(i.message)).map((i) => i.path);
    assert.deepEqual(warned, ['Dhcp4.subnet4[0]', 'Dhcp4.subnet4[2]', 'Dhcp4.subnet4[3]']);
  });
});

describe('parseConfig4 warnings and ignored keys', () => {
  const cases: Array<[string, object, string, RegExp]> = [
    ['ignored Kea key', { loggers: [], 'multi-threading': {} }, 'Dhcp4.multi-threading', /ignored by tandem/],
    ['dhcp-ddns switched off', { 'dhcp-ddns': { 'enable-updates': false } }, 'Dhcp4.dhcp-ddns', /ignored by tandem/],
    ['SQL keys with memfile', { 'lease-database': { type: 'memfile', host: 'x' } }, 'Dhcp4.lease-database.host', /ignored/],
    ['subnet interface not listed', { 'interfaces-config': { interfaces: ['eth0'] }, subnet4: [{ id: 1, subnet: '10.0.0.0/24', interface: 'eth9' }] },
      'Dhcp4.subnet4[0].interface', /not listed/],
    ['rebind >= valid', { 'valid-lifetime': 100, 'rebind-timer': 100, subnet4: [{ id: 1, subnet: '10.0.0.0/24' }] }, 'Dhcp4.subnet4[0]', /rebind-timer/],
    ['no subnets', {}, 'Dhcp4', /no subnets/],
    ['empty subnet list', { subnet4: [] }, 'Dhcp4.subnet4', /no subnets/],
    ['exclusion outside the pools', { subnet4: [{ id: 1, subnet: '10.0.0.0/24', exclusions: ['10.0.0.1'] }] }, 'Dhcp4.subnet4[0].exclusions[0]', /not inside any pool/],
  ];
  for (const [name, dhcp4, path, message] of cases) {
    it(name, () => {
      const { issues } = ok(dhcp4);
      assert.ok(issues.some((i) => i.severity === 'warning' && i.path === path && message.test(i.message)), issues.map(formatConfigIssue).join('\n'));
    });
  }
});

describe('parseConfig4 errors', () => {
  it('refuses a file without Dhcp4, or that is not a map', () => {
    assert.match(parseConfig4('{"Dhcp6": {}}').issues.find((i) => i.severity === 'error')!.message, /'Dhcp4' is missing/);
    assert.match(parseConfig4('[1]').issues[0]!.message, /must hold a map/);
    assert.match(parseConfig4('{"Dhcp4": 1}').issues[0]!.message, /must be a map/);
  });

  it('collects every error and positions them in the source', () => {
    const text = '{\n  "Dhcp4": {\n    "valid-lifetime": "x",\n    "subnet4": [ { "id": 1, "subnet": "10.0.0.0/24", "pools": [ { "pool": "10.1.0.1 - 10.1.0.9" } ] } ]\n  }\n}';
    const r = parseConfig4(text, { source: 'tandem.json' });
    assert.equal(r.config, null);
    assert.deepEqual(r.issues.map(formatConfigIssue), [
      'error: Dhcp4.valid-lifetime: must be an integer, not the string "x" (tandem.json:3:23)',
      'error: Dhcp4.subnet4[0].pools[0].pool: pool 10.1.0.1 - 10.1.0.9 is outside subnet 10.0.0.0/24 (tandem.json:4:75)',
    ]);
  });

  it('reports an option set twice at one level, and codes 0 and 255', () => {
    const r = parseConfig4(wrap({ 'option-data': [{ code: 3, data: '1.2.3.4' }, { name: 'routers', data: '1.2.3.5' }, { code: 255 }, { data: 'x' }] }));
    const paths = r.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
    assert.equal(paths.length, 3, paths.join('\n'));
    assert.match(paths[0]!, /option-data\[1\]: option 3 is set twice/);
    assert.match(paths[1]!, /option-data\[2\].code: option code 255 is reserved/);
    assert.match(paths[2]!, /option-data\[3\]: an option-data entry needs a 'name' or a 'code'/);
  });

  it('refuses a pool written as a bare string, pointing at Kea syntax', () => {
    const r = parseConfig4(wrap({ subnet4: [{ id: 1, subnet: '10.0.0.0/24', pools: ['10.0.0.64/26'] }] }));
    assert.match(r.issues[0]!.message, /\{ "pool": "10.0.0.64\/26" \}/);
  });
});

describe('snapshot', () => {
  it('is deeply frozen, option maps included', () => {
    const { config } = ok({ subnet4: [{ id: 1, subnet: '10.0.0.0/24', 'option-data': [{ name: 'routers', data: '10.0.0.1' }],
      pools: [{ pool: '10.0.0.5-10.0.0.6' }], reservations: [{ 'hw-address': '01:02:03:04:05:06' }] }] });
    const s = config.subnets[0]!;
    for (const o of [config, config.subnets, s, s.pools, s.pools[0], s.validLifetime, s.reservations[0], config.leaseDatabase,
      config.expiredLeasesProcessing, config.interfaces, s.options.get(3), s.exclusions, s.relayAddresses]) {
      assert.ok(Object.isFrozen(o));
    }
    assert.equal((s.options as unknown as { set?: unknown }).set, undefined);
    assert.throws(() => { (s as { id: number }).id = 2; }, TypeError);
  });
});

describe('ConfigError and formatConfigIssue', () => {
  it('formats with and without positions', () => {
    const cases: Array<[ConfigIssue, string]> = [
      [{ path: 'Dhcp4.subnet4[0].pools[1].pool', message: 'pool 10.0.1.10 - 10.0.1.20 is outside subnet 10.0.0.0/24', severity: 'error', line: 14, column: 19, source: 'tandem.json' },
        'error: Dhcp4.subnet4[0].pools[1].pool: pool 10.0.1.10 - 10.0.1.20 is outside subnet 10.0.0.0/24 (tandem.json:14:19)'],
      [{ path: '', message: 'syntax error', severity: 'error', line: 2, column: 1 }, 'error: syntax error (<config>:2:1)'],
      [{ path: 'Dhcp4.loggers', message: 'ignored', severity: 'warning' }, 'warning: Dhcp4.loggers: ignored'],
    ];
    for (const [issue, text] of cases) assert.equal(formatConfigIssue(issue), text);
  });
  it('carries its code and every issue', () => {
    const issues: ConfigIssue[] = [{ path: 'a', message: 'm1', severity: 'error' }, { path: 'b', message: 'm2', severity: 'warning' }];
    const e = new ConfigError(issues);
    assert.equal(e.code, 'ERR_CONFIG_INVALID');
    assert.equal(e.issues, issues);
    assert.match(e.message, /1 error\nerror: a: m1\nwarning: b: m2/);
  });
});
