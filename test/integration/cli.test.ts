import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/tandem');
const FIXTURES = join(ROOT, 'test/fixtures/configs');

const tandem = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('tandem check', () => {
  it('prints every mistake of a file with its JSON path and exits 1', () => {
    const r = tandem('check', '--config', join(FIXTURES, 'invalid/five-mistakes.json'));
    assert.equal(r.status, 1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('error: '));
    for (const path of ['Dhcp4.valid-lifetme', 'Dhcp4.subnet4[0].pools[1].pool', 'Dhcp4.subnet4[0].option-data[0].data',
      'Dhcp4.subnet4[1].id', 'Dhcp4.subnet4[1].subnet', 'Dhcp4.subnet4[1].reservations[0]']) {
      assert.ok(errors.some((l) => l.startsWith(`error: ${path}: `)), `no error for ${path} in:\n${r.stdout}`);
    }
    assert.match(r.stdout, /configuration refused/);
  });

  it('accepts the configs Kea accepts (the fixtures kea-dhcp4 -t checks)', () => {
    for (const file of readdirSync(join(FIXTURES, 'valid'))) {
      const r = tandem('check', '--config', join(FIXTURES, 'valid', file));
      assert.equal(r.status, 0, `${file}:\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /configuration OK/);
    }
  });

  it('says what is wrong with the command line', () => {
    const r = tandem('check');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs --config FILE/);
  });
});

describe('tandem serve signals', () => {
  it('reloads on SIGHUP (keeping the running config when the new one is bad) and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    const config = join(dir, 'tandem.json');
    const write = (pool: string) => writeFileSync(config, JSON.stringify({ Dhcp4: {
      'interfaces-config': { interfaces: [] },
      'lease-database': { type: 'memfile', name: join(dir, 'leases4.jsonl') },
      subnet4: [{ id: 1, subnet: '10.0.0.0/24', pools: [{ pool }] }],
    } }));
    write('10.0.0.10 - 10.0.0.20');
    const child = spawn(process.execPath, [BIN, 'serve', '--config', config, '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const waitFor = async (id: string, count = 1) => {
      for (let i = 0; i < 300; i++) {
        if (out.split('\n').filter((l) => l.includes(`"id":"${id}"`)).length >= count) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no ${id} in:\n${out}`);
    };
    try {
      await waitFor('DHCP4_STARTED');
      writeFileSync(config, '{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "10.0.0.0/24", "pools": [ { "pool": "10.9.0.1 - 10.9.0.2" } ] } ] } }');
      child.kill('SIGHUP');
      await waitFor('DHCP4_CONFIG_RELOAD_FAIL');
      assert.match(out, /Dhcp4\.subnet4\[0\]\.pools\[0\]\.pool/);
      write('10.0.0.100 - 10.0.0.110');
      child.kill('SIGHUP');
      await waitFor('DHCP4_CONFIG_RELOADED');
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 0);
      const shutdown = out.split('\n').find((l) => l.includes('"id":"DHCP4_SHUTDOWN"'));
      const stats = (JSON.parse(shutdown!) as { stats: Record<string, number> }).stats;
      assert.equal(stats['subnet[1].total-addresses'], 11, 'the reloaded pool is the one in force');
      assert.ok(readFileSync(config, 'utf8').includes('10.0.0.100'));
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
