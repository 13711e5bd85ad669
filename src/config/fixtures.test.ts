import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatIp4 } from '../util/index.ts';
import { checkConfig4File, formatConfigIssue, parseConfig4 } from './index.ts';
import type { ConfigIssue } from './index.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/configs');
const list = (dir: string, ext: string) => readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith(ext)).sort();
const errorsOf = (issues: ConfigIssue[]) => issues.filter((i) => i.severity === 'error').map(formatConfigIssue);

/**
 * `kea-dhcp4 -t` checks that each configured interface exists, so it runs inside a network
 * namespace of our own holding veth interfaces with the fixtures' names and addresses.
 */
class KeaChecker {
  readonly dir = mkdtempSync(join(tmpdir(), 'tandem-cfg-kea-'));
  ns: string | null = null;
  skipReason: string | null = null;

  setUp(interfaces: Map<string, Set<string>>): void {
    if (spawnSync('kea-dhcp4', ['-v'], { stdio: 'ignore' }).error !== undefined) {
      this.skipReason = 'kea-dhcp4 is not installed (apt-get install kea-dhcp4-server)';
      return;
    }
    if (process.getuid?.() !== 0) {
      this.skipReason = 'not root: cannot create a network namespace for kea-dhcp4 -t';
      return;
    }
    const ns = `tcfg${process.pid}x${Math.floor(Math.random() * 1e6)}`;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe', timeout: 10_000 });
    try {
      ip('netns', 'add', ns);
      this.ns = ns;
      process.once('exit', () => this.tearDown());
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      let n = 0;
      for (const [name, addresses] of interfaces) {
        ip('-n', ns, 'link', 'add', name, 'type', 'veth', 'peer', 'name', `tcfgpeer${n++}`);
        ip('-n', ns, 'link', 'set', name, 'up');
        for (const a of addresses) ip('-n', ns, 'addr', 'add', `${a}/32`, 'dev', name);
      }
    } catch (e) {
      this.skipReason = `cannot set up a network namespace: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  check(file: string): { ok: boolean; output: string } {
    const text = readFileSync(file, 'utf8').replaceAll('/var/lib/kea/', `${this.dir}/`);
    const copy = join(this.dir, 'kea-dhcp4.conf');
    writeFileSync(copy, text);
    const env = { ...process.env, KEA_LOCKFILE_DIR: this.dir, KEA_PIDFILE_DIR: this.dir };
    const r = spawnSync('ip', ['netns', 'exec', this.ns!, 'kea-dhcp4', '-t', copy], { env, encoding: 'utf8', timeout: 20_000 });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  }

  tearDown(): void {
    if (this.ns !== null) {
      spawnSync('ip', ['netns', 'del', this.ns], { stdio: 'ignore' });
      this.ns = null;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('valid fixtures: accepted by tandem and by kea-dhcp4 -t', () => {
  const files = list('valid', '.json');
  const kea = new KeaChecker();
  before(() => {
    const interfaces = new Map<string, Set<string>>();
    for (const f of files) {
      const { config } = parseConfig4(readFileSync(join(FIXTURES, 'valid', f), 'utf8'));
      for (const i of config?.interfaces ?? []) {
        if (i.name === '*') continue;
        const set = interfaces.get(i.name) ?? new Set<string>();
        if (i.address !== null) set.add(formatIp4(i.address));
        interfaces.set(i.name, set);
      }
    }
    kea.setUp(interfaces);
  });
  after(() => kea.tearDown());

  it('has 4 to 6 fixtures', () => assert.ok(files.length >= 4 && files.length <= 6, files.join(', ')));
  for (const f of files) {
    it(`tandem accepts ${f}`, () => {
      const r = parseConfig4(readFileSync(join(FIXTURES, 'valid', f), 'utf8'), { source: f });
      assert.deepEqual(errorsOf(r.issues), []);
      assert.notEqual(r.config, null);
      assert.ok(r.config!.subnets.length > 0);
    });
    it(`kea-dhcp4 -t accepts ${f}`, (t) => {
      if (kea.skipReason !== null) {
        t.skip(kea.skipReason);
        return;
      }
      const r = kea.check(join(FIXTURES, 'valid', f));
      assert.ok(r.ok, r.output);
    });
  }
});

describe('tandem fixtures: tandem-only keys and includes', () => {
  for (const f of list('tandem', '.json')) {
    it(`tandem accepts ${f}`, async () => {
      const r = await checkConfig4File(join(FIXTURES, 'tandem', f));
      assert.deepEqual(errorsOf(r.issues), []);
      assert.notEqual(r.config, null);
    });
  }
  it('reads the additions and the included subnets', async () => {
    const a = (await checkConfig4File(join(FIXTURES, 'tandem', 'exclusions-offer-delay.json'))).config!;
    assert.equal(a.subnets[0]!.offerDelayMs, 250);
    assert.equal(a.subnets[1]!.offerDelayMs, 0);
    assert.equal(a.subnets[0]!.exclusions.length, 2);
    assert.equal(a.leaseDatabase.name, join(FIXTURES, 'tandem', 'leases4.jsonl'));
    const b = (await checkConfig4File(join(FIXTURES, 'tandem', 'include-main.json'))).config!;
    assert.deepEqual(b.subnets.map((s) => s.id), [1, 2]);
  });
  it('positions an issue inside an included file', () => {
    const r = parseConfig4('{"Dhcp4": {"subnet4": [<?include "sub.inc" ?>]}}', {
      source: 'main.json', baseDir: '/etc/tandem',
      readInclude: (p) => {
        assert.equal(p, '/etc/tandem/sub.inc');
        return '\n{ "id": 1, "subnet": "10.0.0.5/24" }';
      },
    });
    assert.deepEqual(errorsOf(r.issues), [
      "error: Dhcp4.subnet4[0].subnet: '10.0.0.5/24' has host bits set (did you mean 10.0.0.0/24?) (/etc/tandem/sub.inc:2:22)",
    ]);
  });
  it('reports an unreadable file as an issue', async () => {
    const r = await checkConfig4File('/nonexistent/tandem.json');
    assert.equal(r.config, null);
    assert.match(r.issues[0]!.message, /cannot read the file/);
  });
});

describe('invalid fixtures: every expected issue is reported at its path', () => {
  for (const f of list('invalid', '.json')) {
    it(f, async () => {
      const expectFile = join(FIXTURES, 'invalid', f.replace(/\.json$/, '.expect'));
      const expected = readFileSync(expectFile, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
      assert.ok(expected.length > 0, `${expectFile} lists no issues`);
      const r = await checkConfig4File(join(FIXTURES, 'invalid', f));
      assert.equal(r.config, null);
      const shown = r.issues.map(formatConfigIssue).join('\n');
      for (const line of expected) {
        const sep = line.indexOf(': ');
        const path = line.slice(0, sep);
        const text = line.slice(sep + 2);
        const hit = r.issues.some((i) => i.path === (path === '<root>' ? '' : path) && i.message.includes(text));
        assert.ok(hit, `expected "${line}" among:\n${shown}`);
        const issue = r.issues.find((i) => i.path === (path === '<root>' ? '' : path))!;
        assert.ok(issue.line !== undefined && issue.column !== undefined, `no position for ${path}`);
      }
    });
  }
  it('reports all five mistakes of five-mistakes.json', async () => {
    const r = await checkConfig4File(join(FIXTURES, 'invalid', 'five-mistakes.json'));
    assert.ok(r.issues.filter((i) => i.severity === 'error').length >= 5);
  });
});
