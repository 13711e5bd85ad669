// `tandem ha …` against a scripted control client: which command each action sends, output, exit codes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/cli-io.ts';
import type { ControlResponse } from '../../src/control-client/index.ts';

function fakeIo(script: (command: string) => ControlResponse) {
  const calls: string[] = [];
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => { out += t; },
    err: (t) => { err += t; },
    errIsTTY: false,
    connect: (target) => ({
      where: 'socket' in target ? target.socket : target.url,
      async call(command) { calls.push(command); return script(command); },
    }),
  };
  return { io, calls, out: () => out, err: () => err };
}

const S = ['--socket', '/run/t.sock'];
const HA = [{
  'ha-mode': 'hot-standby',
  'ha-servers': { local: { role: 'primary', state: 'hot-standby', scopes: ['server1'] }, remote: { role: 'standby', 'last-state': 'hot-standby' } },
}];

describe('tandem ha', () => {
  const actions: Array<[string[], string]> = [
    [['sync'], 'ha-sync'],
    [['maintenance', 'start'], 'ha-maintenance-start'],
    [['maintenance', 'cancel'], 'ha-maintenance-cancel'],
    [['partner-down'], 'ha-partner-down'],
    [['reset'], 'ha-reset'],
    [['continue'], 'ha-continue'],
  ];
  for (const [words, command] of actions) {
    it(`${words.join(' ')} sends ${command}`, async () => {
      const f = fakeIo(() => ({ result: 0, text: 'done' }));
      assert.equal(await main(['ha', ...words, ...S], f.io), 0);
      assert.deepEqual(f.calls, [command]);
      assert.equal(f.out(), 'done\n');
    });
  }

  it('status prints both servers from status-get, and --json the raw list', async () => {
    const f = fakeIo(() => ({ result: 0, text: 'ok', arguments: { pid: 1, 'high-availability': HA } }));
    assert.equal(await main(['ha', 'status', ...S], f.io), 0);
    assert.deepEqual(f.calls, ['status-get']);
    assert.match(f.out(), /^ha-mode +hot-standby$/m);
    assert.match(f.out(), /^local\.state +hot-standby$/m);
    assert.match(f.out(), /^remote\.last-state +hot-standby$/m);
    assert.match(f.out(), /^local\.scopes +\["server1"\]$/m);
    const j = fakeIo(() => ({ result: 0, text: 'ok', arguments: { 'high-availability': HA } }));
    assert.equal(await main(['ha', 'status', '--json', ...S], j.io), 0);
    assert.deepEqual(JSON.parse(j.out()), HA);
  });

  it('status on a server without HA fails with a clear message', async () => {
    const f = fakeIo(() => ({ result: 0, text: 'ok', arguments: { pid: 1 } }));
    assert.equal(await main(['ha', 'status', ...S], f.io), 1);
    assert.match(f.err(), /no high-availability relationship/);
  });

  it('a refused or unsupported command exits 1 with its text', async () => {
    const f = fakeIo(() => ({ result: 2, text: "'ha-sync' command not supported: no high-availability relationship is configured on this server." }));
    assert.equal(await main(['ha', 'sync', ...S], f.io), 1);
    assert.match(f.err(), /ha-sync: 'ha-sync' command not supported/);
  });

  it('an unknown or missing action is a usage error (exit 2)', async () => {
    const f = fakeIo(() => ({ result: 0, text: '' }));
    assert.equal(await main(['ha', 'maintenance', 'stop', ...S], f.io), 2);
    assert.equal(await main(['ha', ...S], f.io), 2);
    assert.deepEqual(f.calls, []);
  });
});
