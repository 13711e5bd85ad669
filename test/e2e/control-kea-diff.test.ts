// Differential test: the same config and the same command sequence sent to kea-dhcp4 2.2 (with its
// lease_cmds hook) and to tandem, each in its own namespace, over their Unix control sockets. Result
// codes must be equal, and so must the top-level argument keys and lease object keys, except the
// documented differences in EXCLUDED (each with its reason; see docs/control-api.md).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { baseDhcp4, createLab, labSkipReason, serverSkipReason, startServer } from '../helpers/lab/index.ts';
import type { Lab, ServerHandle } from '../helpers/lab/index.ts';
import { createControlClient } from '../../src/control-client/index.ts';

const HOOK = '/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so';
const skip = labSkipReason() ?? serverSkipReason('kea') ?? serverSkipReason('tandem') ?? (existsSync(HOOK) ? null : `${HOOK} is not installed`);

/** Keys left out of the comparison, per command, and why. Never silent: each is printed. */
const EXCLUDED: Record<string, { keys: string[]; why: string }> = {
  'status-get': { keys: ['sockets', 'multi-threading-enabled', 'dhcp-state', 'serving', 'version', 'thread-pool-size', 'packet-queue-size', 'packet-queue-statistics'],
    why: 'server-specific state: Kea reports its socket and thread state; tandem adds dhcp-state, serving and version' },
  'config-get': { keys: ['hash'], why: 'Kea 2.4 and later add the config hash; 2.2 does not; tandem follows later Kea' },
  'statistic-get-all': { keys: ['*'], why: 'each server keeps its own set of statistics (names shared where both count the same thing)' },
  'list-commands': { keys: ['*'], why: 'arguments is a list of names; compared as sets of the commands both have' },
};

const MAC = '02:ab:00:00:00:01';
const CID = '01:02:ab:00:00:00:01';
const ADDR = '10.77.0.120';

type Step = { name: string; command: string; args?: (ctx: { dir: string; kind: string }) => object };
const STEPS: Step[] = [
  { name: 'list-commands', command: 'list-commands' },
  { name: 'version-get', command: 'version-get' },
  { name: 'status-get', command: 'status-get' },
  { name: 'config-get', command: 'config-get' },
  { name: 'config-write', command: 'config-write', args: ({ dir, kind }) => ({ filename: join(dir, `written-${kind}.json`) }) },
  { name: 'lease4-get-all (empty)', command: 'lease4-get-all' },
  { name: 'lease4-add', command: 'lease4-add', args: () => ({ 'ip-address': ADDR, 'hw-address': MAC, 'client-id': CID, hostname: 'diff-host', 'subnet-id': 1 }) },
  { name: 'lease4-add (again)', command: 'lease4-add', args: () => ({ 'ip-address': ADDR, 'hw-address': MAC, 'subnet-id': 1 }) },
  { name: 'lease4-get by address', command: 'lease4-get', args: () => ({ 'ip-address': ADDR }) },
  { name: 'lease4-get by hw-address', command: 'lease4-get', args: () => ({ 'identifier-type': 'hw-address', identifier: MAC, 'subnet-id': 1 }) },
  { name: 'lease4-get by client-id', command: 'lease4-get', args: () => ({ 'identifier-type': 'client-id', identifier: CID, 'subnet-id': 1 }) },
  { name: 'lease4-get (none)', command: 'lease4-get', args: () => ({ 'ip-address': '10.77.0.121' }) },
  { name: 'lease4-get-all', command: 'lease4-get-all' },
  { name: 'lease4-get-all subnets', command: 'lease4-get-all', args: () => ({ subnets: [1] }) },
  { name: 'lease4-get-page', command: 'lease4-get-page', args: () => ({ from: 'start', limit: 10 }) },
  { name: 'lease4-get-page (end)', command: 'lease4-get-page', args: () => ({ from: ADDR, limit: 10 }) },
  { name: 'lease4-get-by-hw-address', command: 'lease4-get-by-hw-address', args: () => ({ 'hw-address': MAC }) },
  { name: 'lease4-get-by-client-id', command: 'lease4-get-by-client-id', args: () => ({ 'client-id': CID }) },
  { name: 'lease4-get-by-hostname', command: 'lease4-get-by-hostname', args: () => ({ hostname: 'diff-host' }) },
  { name: 'lease4-update', command: 'lease4-update', args: () => ({ 'ip-address': ADDR, 'hw-address': MAC, 'subnet-id': 1, hostname: 'renamed' }) },
  { name: 'lease4-del', command: 'lease4-del', args: () => ({ 'ip-address': ADDR }) },
  { name: 'lease4-del (none)', command: 'lease4-del', args: () => ({ 'ip-address': ADDR }) },
  { name: 'lease4-add for wipe', command: 'lease4-add', args: () => ({ 'ip-address': '10.77.0.130', 'hw-address': MAC, 'subnet-id': 1 }) },
  { name: 'lease4-wipe', command: 'lease4-wipe', args: () => ({ 'subnet-id': 1 }) },
  { name: 'leases-reclaim', command: 'leases-reclaim', args: () => ({ remove: true }) },
  { name: 'statistic-get', command: 'statistic-get', args: () => ({ name: 'pkt4-received' }) },
  { name: 'statistic-get subnet', command: 'statistic-get', args: () => ({ name: 'subnet[1].total-addresses' }) },
  { name: 'statistic-get-all', command: 'statistic-get-all' },
  { name: 'statistic-reset', command: 'statistic-reset', args: () => ({ name: 'pkt4-received' }) },
  { name: 'dhcp-disable', command: 'dhcp-disable', args: () => ({ 'max-period': 30 }) },
  { name: 'dhcp-enable', command: 'dhcp-enable' },
  { name: 'unknown command', command: 'frobnicate' },
  { name: 'lease4-get bad ip', command: 'lease4-get', args: () => ({ 'ip-address': 'not-an-address' }) },
  { name: 'lease4-add no hw-address', command: 'lease4-add', args: () => ({ 'ip-address': '10.77.0.140' }) },
  { name: 'lease4-add outside subnets', command: 'lease4-add', args: () => ({ 'ip-address': '192.0.2.1', 'hw-address': MAC }) },
  { name: 'statistic-get missing name', command: 'statistic-get', args: () => ({}) },
];

type Answer = { result: number; keys: string; leaseKeys: string; list: string[] | null };

describe('e2e: control API against Kea 2.2', { skip: skip ?? false }, () => {
  let lab: Lab | undefined;
  const servers: Record<'kea' | 'tandem', ServerHandle | undefined> = { kea: undefined, tandem: undefined };

  before(async () => {
    lab = await createLab();
    for (const kind of ['kea', 'tandem'] as const) {
      const ns = await lab.namespace(kind === 'kea' ? 'k' : 't');
      servers[kind] = await startServer(lab, ns, baseDhcp4([], {
        'hooks-libraries': [{ library: HOOK }],
        'control-socket': { 'socket-type': 'unix', 'socket-name': join(lab.tmpdir(), `${kind}.sock`) },
        subnet4: [{ id: 1, subnet: '10.77.0.0/24', pools: [{ pool: '10.77.0.100 - 10.77.0.199' }] }],
      }), { kind });
    }
  });
  after(async () => {
    try {
      await servers.kea?.stop();
      await servers.tandem?.stop();
    } finally {
      await lab?.destroy();
    }
  });

  it('gives the same result codes and argument keys as Kea for the same commands', async (t) => {
    assert.ok(lab);
    const dir = lab.tmpdir();
    const answers: Record<string, Record<string, Answer>> = {};
    for (const kind of ['kea', 'tandem'] as const) {
      const client = createControlClient({ socket: join(dir, `${kind}.sock`) }, { timeoutMs: 15_000 });
      for (const step of STEPS) {
        const r = await client.call(step.command, step.args?.({ dir, kind }));
        const a = r.arguments as unknown;
        const obj = typeof a === 'object' && a !== null && !Array.isArray(a) ? a as Record<string, unknown> : null;
        const leases = obj?.['leases'];
        const lease = Array.isArray(leases) ? leases[0] : step.command === 'lease4-get' ? obj : undefined;
        (answers[step.name] ??= {})[kind] = {
          result: r.result,
          keys: obj === null ? (a === undefined ? '-' : Array.isArray(a) ? '[list]' : typeof a) : Object.keys(obj).sort().join(','),
          leaseKeys: typeof lease === 'object' && lease !== null ? Object.keys(lease).sort().join(',') : '-',
          list: Array.isArray(a) ? a.map(String) : null,
        };
      }
    }
    const rows: string[] = [];
    const problems: string[] = [];
    for (const step of STEPS) {
      const k = answers[step.name]?.['kea'];
      const m = answers[step.name]?.['tandem'];
      assert.ok(k && m);
      const ex = EXCLUDED[step.command];
      const strip = (keys: string) => ex?.keys.includes('*') ? '(excluded)' : keys.split(',').filter((x) => !ex?.keys.includes(x)).join(',');
      const same = k.result === m.result && strip(k.keys) === strip(m.keys) && k.leaseKeys === m.leaseKeys;
      rows.push(`${same ? '  ' : '≠ '}${step.name.padEnd(28)} kea ${k.result} [${k.keys}] lease [${k.leaseKeys}]  |  tandem ${m.result} [${m.keys}] lease [${m.leaseKeys}]`);
      if (!same) problems.push(step.name);
      if (step.command === 'list-commands' && k.list && m.list) {
        const shared = new Set(STEPS.map((s) => s.command).filter((c) => c !== 'frobnicate'));
        for (const c of shared) {
          if (k.list.includes(c) !== m.list.includes(c)) problems.push(`list-commands: ${c}`);
        }
      }
    }
    for (const [cmd, ex] of Object.entries(EXCLUDED)) t.diagnostic(`excluded ${cmd} keys ${ex.keys.join(',')}: ${ex.why}`);
    for (const row of rows) t.diagnostic(row);
    assert.deepEqual(problems, [], `differences from Kea 2.2:\n${rows.filter((r) => r.startsWith('≠')).join('\n')}`);
  });
});
