import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatConfigIssue, parseConfig4 } from './index.ts';
import type { ConfigIssue } from './index.ts';
import { checkPeerUrl } from './ha-config.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/configs/valid-ha');
const HOOKS = '/usr/lib/x86_64-linux-gnu/kea/hooks';
const SUBNETS = [{ id: 1, subnet: '10.0.0.0/24', pools: [{ pool: '10.0.0.10 - 10.0.0.99' }] }];
const PEERS = [
  { name: 'server1', url: 'http://10.0.0.2:8000/', role: 'primary' },
  { name: 'server2', url: 'http://10.0.0.3:8000/', role: 'standby' },
];
const LB_PEERS = [PEERS[0], { ...PEERS[1], role: 'secondary' }];
const rel = (over: object = {}) => ({ 'this-server-name': 'server1', mode: 'hot-standby', peers: PEERS, ...over });
const parse = (dhcp4: object, opts: Parameters<typeof parseConfig4>[1] = {}) =>
  parseConfig4(JSON.stringify({ Dhcp4: { subnet4: SUBNETS, ...dhcp4 } }), opts);
const top = (over: object = {}, opts: Parameters<typeof parseConfig4>[1] = {}) => parse({ 'high-availability': [rel(over)] }, opts);
const shown = (issues: ConfigIssue[]) => issues.map(formatConfigIssue).join('\n');
const has = (issues: ConfigIssue[], severity: 'error' | 'warning', path: string, text: string | RegExp) =>
  assert.ok(issues.some((i) => i.severity === severity && i.path === path && (typeof text === 'string' ? i.message.includes(text) : text.test(i.message))),
    `expected ${severity} at ${path} matching ${String(text)} among:\n${shown(issues)}`);
const R = 'Dhcp4.high-availability[0]';

describe('HA config: defaults and both places it may be written', () => {
  it('fills Kea defaults and tandem additions', () => {
    const r = top();
    assert.notEqual(r.config, null, shown(r.issues));
    assert.deepEqual({ ...r.config!.ha!, peers: undefined }, {
      thisServerName: 'server1', mode: 'hot-standby', peers: undefined, heartbeatDelayMs: 10000, maxResponseDelayMs: 60000,
      maxAckDelayMs: 10000, maxUnackedClients: 10, maxRejectedLeaseUpdates: 10, delayedUpdatesLimit: 0,
      syncPageLimit: 10000, syncTimeoutMs: 60000, sendLeaseUpdates: true, syncLeases: true, mcltSec: 3600,
      reservePercent: 5, loadBalancePercent: 50, stateSwitchoverIntervalSec: null, sharedSecret: null,
      clockSkewWarnSec: 30, clockSkewTerminateSec: 60, tls: null, requireClientCerts: true, restrictCommands: false,
    });
    assert.deepEqual(r.config!.ha!.peers[1], {
      name: 'server2', url: 'http://10.0.0.3:8000/', role: 'standby', autoFailover: true,
      basicAuthUser: null, basicAuthPassword: null, tls: null,
    });
    assert.ok(Object.isFrozen(r.config!.ha!.peers[0]));
    has(r.issues, 'warning', R, 'not authenticated');
  });

  it('has no HA without either key', () => {
    assert.equal(parse({}).config!.ha, null);
  });

  it('reads the hooks-libraries form the same as the top-level form', () => {
    const hook = parse({
      'hooks-libraries': [
        { library: `${HOOKS}/libdhcp_lease_cmds.so` },
        { library: `${HOOKS}/libdhcp_ha.so`, parameters: { 'high-availability': [rel({ 'shared-secret': 'x'.repeat(32) })] } },
      ],
    });
    assert.deepEqual(hook.issues, []);
    assert.deepEqual(hook.config!.ha, top({ 'shared-secret': 'x'.repeat(32) }).config!.ha);
  });

  it('load-balancing: delayed-updates-limit defaults to 100, the share to 50 %', () => {
    const ha = top({ mode: 'load-balancing', peers: LB_PEERS, 'load-balance-percent': 70 }).config!.ha!;
    assert.equal(ha.delayedUpdatesLimit, 100);
    assert.equal(ha.loadBalancePercent, 70);
  });

  it('reads tandem additions, times in seconds, and the secret from a file', () => {
    const r = top({
      mclt: 1800, 'reserve-percent': 10, 'state-switchover-interval': 600, 'clock-skew-warn': 20,
      'clock-skew-terminate': 45, 'shared-secret-file': 'secret.txt', 'heartbeat-delay': 1000, 'max-response-delay': 3000,
    }, { baseDir: '/etc/tandem', readFile: (p) => { assert.equal(p, '/etc/tandem/secret.txt'); return 'a-long-enough-shared-secret\n'; } });
    assert.deepEqual(r.issues, []);
    const ha = r.config!.ha!;
    assert.deepEqual([ha.mcltSec, ha.reservePercent, ha.stateSwitchoverIntervalSec, ha.clockSkewWarnSec, ha.clockSkewTerminateSec, ha.sharedSecret],
      [1800, 10, 600, 20, 45, 'a-long-enough-shared-secret']);
    assert.equal(top({ 'state-switchover-interval': null }).config!.ha!.stateSwitchoverIntervalSec, null);
  });

  it('reads basic auth and TLS per peer, with the relationship trio as the default', () => {
    const r = top({
      'trust-anchor': 'ca.pem', 'cert-file': 'me.pem', 'key-file': 'me.key', 'shared-secret': 's'.repeat(20),
      peers: [
        { ...PEERS[0], url: 'https://10.0.0.2:8443/' },
        { ...PEERS[1], url: 'https://[2001:db8::3]:8443/', 'basic-auth-user': 'ha', 'basic-auth-password': 'pw', 'cert-file': '/x/other.pem' },
      ],
    }, { baseDir: '/etc/tandem' });
    assert.deepEqual(r.issues, []);
    const [a, b] = r.config!.ha!.peers;
    assert.deepEqual(a!.tls, { trustAnchor: '/etc/tandem/ca.pem', certFile: '/etc/tandem/me.pem', keyFile: '/etc/tandem/me.key' });
    assert.deepEqual(b!.tls, { trustAnchor: '/etc/tandem/ca.pem', certFile: '/x/other.pem', keyFile: '/etc/tandem/me.key' });
    assert.deepEqual([b!.basicAuthUser, b!.basicAuthPassword], ['ha', 'pw']);
  });

  it('accepts multi-threading and lease_cmds silently; warns for state-machine and other hooks', () => {
    const r = parse({
      'hooks-libraries': [{ library: `${HOOKS}/libdhcp_lease_cmds.so` }, { library: `${HOOKS}/libdhcp_stat_cmds.so` }],
      'high-availability': [rel({ 'multi-threading': { 'enable-multi-threading': false }, 'state-machine': { states: [] }, 'shared-secret': 'z'.repeat(16) })],
    });
    assert.notEqual(r.config, null);
    assert.deepEqual(r.issues.map((i) => i.path), ['Dhcp4.hooks-libraries[1]', `${R}.state-machine`]);
    has(parse({ 'hooks-libraries': [] }).issues, 'warning', 'Dhcp4.hooks-libraries', 'ignored by tandem');
  });
});

describe('HA config: Kea\'s validation rules and tandem\'s', () => {
  const cases: [string, object, string, string | RegExp][] = [
    ['passive-backup', { mode: 'passive-backup' }, `${R}.mode`, 'not yet by tandem'],
    ['unknown mode', { mode: 'hot-spare' }, `${R}.mode`, 'unknown mode'],
    ['two primaries', { peers: [PEERS[0], { ...PEERS[1], role: 'primary' }] }, `${R}.peers`, "exactly one peer must have role 'primary'"],
    ['secondary in hot-standby', { peers: LB_PEERS }, `${R}.peers`, "role 'secondary' is not allowed in hot-standby"],
    ['standby in load-balancing', { mode: 'load-balancing' }, `${R}.peers`, "role 'standby' is not allowed in load-balancing"],
    ['no partner', { peers: [PEERS[0]] }, `${R}.peers`, "needs exactly one peer with role 'standby'"],
    ['unknown role', { peers: [PEERS[0], { ...PEERS[1], role: 'spare' }] }, `${R}.peers[1].role`, 'unknown role'],
    ['duplicate names', { peers: [PEERS[0], { ...PEERS[1], name: 'server1' }] }, `${R}.peers[1].name`, 'already used'],
    ['this-server-name not a peer', { 'this-server-name': 'server9' }, `${R}.this-server-name`, 'not the name of any of the peers'],
    ['host name in url', { peers: [{ ...PEERS[0], url: 'http://dhcp1.example:8000/' }, PEERS[1]] }, `${R}.peers[0].url`, 'must be an IP address'],
    ['url without port', { peers: [{ ...PEERS[0], url: 'http://10.0.0.2/' }, PEERS[1]] }, `${R}.peers[0].url`, 'needs a port'],
    ['https without TLS', { peers: [{ ...PEERS[0], url: 'https://10.0.0.2:8443/' }, PEERS[1]] }, `${R}.peers[0].url`, 'needs TLS'],
    ['TLS trio incomplete', { 'trust-anchor': '/ca.pem', 'cert-file': '/c.pem' }, `${R}.peers[0]`, 'key-file missing'],
    ['wait-backup-ack', { 'wait-backup-ack': true }, `${R}.wait-backup-ack`, 'must be false'],
    ['delayed updates in hot-standby', { 'delayed-updates-limit': 10 }, `${R}.delayed-updates-limit`, 'must be 0 in hot-standby'],
    ['mclt 0', { mclt: 0 }, `${R}.mclt`, 'out of range'],
    ['reserve-percent 60', { 'reserve-percent': 60 }, `${R}.reserve-percent`, 'out of range 0..50'],
    ['load-balance-percent 100', { mode: 'load-balancing', peers: LB_PEERS, 'load-balance-percent': 100 }, `${R}.load-balance-percent`, 'out of range 1..99'],
    ['skew warn above terminate', { 'clock-skew-warn': 90 }, `${R}.clock-skew-warn`, 'must be below clock-skew-terminate'],
    ['both secrets', { 'shared-secret': 'a'.repeat(20), 'shared-secret-file': '/s' }, `${R}.shared-secret-file`, 'mutually exclusive'],
    ['empty secret', { 'shared-secret': '' }, `${R}.shared-secret`, 'must not be empty'],
    ['password without user', { peers: [{ ...PEERS[0], 'basic-auth-password': 'x' }, PEERS[1]] }, `${R}.peers[0]`, 'needs \'basic-auth-user\''],
    ['missing this-server-name', { 'this-server-name': undefined }, R, "'this-server-name' is required"],
    ['unknown key', { 'heartbeat-dely': 5 }, `${R}.heartbeat-dely`, "did you mean 'heartbeat-delay'"],
  ];
  for (const [name, over, path, text] of cases) {
    it(`refuses: ${name}`, () => {
      const r = top(over);
      assert.equal(r.config, null, name);
      has(r.issues, 'error', path, text);
    });
  }

  it('refuses a relationship written in both places', () => {
    const r = parse({ 'hooks-libraries': [{ library: `${HOOKS}/libdhcp_ha.so`, parameters: { 'high-availability': [rel()] } }], 'high-availability': [rel()] });
    assert.equal(r.config, null);
    has(r.issues, 'error', 'Dhcp4.high-availability', 'configured twice');
  });

  it('refuses hub-and-spoke (several relationships)', () => {
    const r = parse({ 'high-availability': [rel(), rel()] });
    has(r.issues, 'error', 'Dhcp4.high-availability[1]', 'hub-and-spoke is not supported yet');
    const hook = parse({ 'hooks-libraries': [{ library: `${HOOKS}/libdhcp_ha.so`, parameters: { 'high-availability': [rel(), rel()] } }] });
    has(hook.issues, 'error', 'Dhcp4.hooks-libraries[0].parameters.high-availability[1]', 'hub-and-spoke');
  });

  it('refuses libdhcp_ha.so without parameters, and loaded twice', () => {
    has(parse({ 'hooks-libraries': [{ library: 'libdhcp_ha.so' }] }).issues, 'error', 'Dhcp4.hooks-libraries[0]', "needs 'parameters'");
    const two = parse({ 'hooks-libraries': [1, 2].map(() => ({ library: 'libdhcp_ha.so', parameters: { 'high-availability': [rel()] } })) });
    has(two.issues, 'error', 'Dhcp4.hooks-libraries[1]', 'loaded twice');
  });

  it('warns about settings that do not apply to the mode, and about timing', () => {
    has(top({ mode: 'load-balancing', peers: LB_PEERS, 'reserve-percent': 10 }).issues, 'warning', `${R}.reserve-percent`, 'applies to hot-standby');
    has(top({ 'load-balance-percent': 60 }).issues, 'warning', `${R}.load-balance-percent`, 'applies to load-balancing');
    has(top({ 'heartbeat-delay': 5000, 'max-response-delay': 5000 }).issues, 'warning', `${R}.max-response-delay`, 'not above heartbeat-delay');
    has(top({ 'shared-secret': 'short' }).issues, 'warning', `${R}.shared-secret`, 'shorter than 16');
  });

  it('checks peer urls', () => {
    for (const ok of ['http://192.0.2.1:8000/', 'https://192.0.2.1:8443', 'http://[::1]:8000/', 'HTTP://10.0.0.1:1/x']) assert.equal(checkPeerUrl(ok), null, ok);
    for (const bad of ['ftp://192.0.2.1:21/', 'http://192.0.2.1:0/', 'http://192.0.2.1:70000/', 'http://::1:8000/', 'http://[192.0.2.1]:80/', 'http://1.2.3:80/', '192.0.2.1:8000']) {
      assert.notEqual(checkPeerUrl(bad), null, bad);
    }
  });
});

/** The Kea-written fixtures: tandem reads them, and Kea 2.2 (`kea-dhcp4 -t`) accepts them. */
describe('valid-ha fixtures: a Kea 2.2 hot-standby pair', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
  const dir = mkdtempSync(join(tmpdir(), 'tandem-ha-kea-'));
  let ns: string | null = null;
  let skip: string | null = null;
  const cleanup = () => {
    if (ns !== null) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    ns = null;
    rmSync(dir, { recursive: true, force: true });
  };
  before(() => {
    if (spawnSync('kea-dhcp4', ['-v'], { stdio: 'ignore' }).error !== undefined) skip = 'kea-dhcp4 is not installed';
    else if (process.getuid?.() !== 0) skip = 'not root: cannot create a network namespace for kea-dhcp4 -t';
    if (skip !== null) return;
    const name = `thacfg${process.pid}x${Math.floor(Math.random() * 1e6)}`;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe', timeout: 10_000 });
    try {
      ip('netns', 'add', name);
      ns = name;
      process.once('exit', cleanup);
      ip('-n', name, 'link', 'set', 'lo', 'up');
      ip('-n', name, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'thapeer0');
      ip('-n', name, 'link', 'set', 'eth0', 'up');
      for (const a of ['192.0.2.2', '192.0.2.3']) ip('-n', name, 'addr', 'add', `${a}/24`, 'dev', 'eth0');
    } catch (e) {
      skip = `cannot set up a network namespace: ${e instanceof Error ? e.message : String(e)}`;
    }
  });
  after(cleanup);

  it('has the primary and the standby', () => assert.deepEqual(files, ['primary.json', 'standby.json']));
  for (const f of files) {
    it(`tandem reads ${f}`, () => {
      const r = parseConfig4(readFileSync(join(FIXTURES, f), 'utf8'), { source: f });
      assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
      const ha = r.config!.ha!;
      assert.equal(ha.thisServerName, f === 'primary.json' ? 'server1' : 'server2');
      assert.equal(ha.mode, 'hot-standby');
      assert.deepEqual(ha.peers.map((p) => [p.name, p.role, p.url]), [
        ['server1', 'primary', 'http://192.0.2.2:8000/'], ['server2', 'standby', 'http://192.0.2.3:8000/'],
      ]);
      assert.deepEqual([ha.maxAckDelayMs, ha.maxUnackedClients, ha.delayedUpdatesLimit, ha.reservePercent], [5000, 5, 0, 5]);
    });
    it(`kea-dhcp4 -t accepts ${f}, and Kea's HA hook starts with it`, async (t) => {
      if (skip !== null) return t.skip(skip);
      let text = readFileSync(join(FIXTURES, f), 'utf8').replaceAll('/var/lib/kea/', `${dir}/`).replaceAll('/tmp/kea4-ctrl', `${dir}/ctrl`);
      if (!existsSync(HOOKS)) {
        const found = readdirSync('/usr/lib').map((d) => join('/usr/lib', d, 'kea/hooks')).find((d) => existsSync(join(d, 'libdhcp_ha.so')));
        if (found === undefined) return t.skip('libdhcp_ha.so not found');
        text = text.replaceAll(HOOKS, found);
      }
      const copy = join(dir, f);
      writeFileSync(copy, text);
      const env = { ...process.env, KEA_LOCKFILE_DIR: dir, KEA_PIDFILE_DIR: dir };
      const r = spawnSync('ip', ['netns', 'exec', ns!, 'kea-dhcp4', '-t', copy], { env, encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
      // `-t` does not run the HA hook's own validation; starting the server (inside our namespace) does.
      const started = await startUntil(['ip', 'netns', 'exec', ns!, 'kea-dhcp4', '-c', copy], env, 'HA_SERVICE_STARTED', 15_000);
      assert.ok(started.ok, started.output);
    });
  }
});

/** Runs a command until its output shows `marker`, it exits, or `ms` pass; it is always stopped. */
function startUntil(cmd: string[], env: NodeJS.ProcessEnv, marker: string, ms: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((done) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      done({ ok, output });
    };
    const timer = setTimeout(() => finish(false), ms);
    const onData = (b: Buffer) => {
      output += b.toString();
      if (output.includes(marker)) finish(true);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => finish(output.includes(marker)));
    child.on('error', (e) => { output += String(e); finish(false); });
  });
}
