import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from 'node:fs/promises';
import { parseIp4, systemClock } from '../../util/index.ts';
import type { Lease4 } from '../../model/index.ts';
import { StoreError } from '../lease-store.ts';
import { runLeaseStoreContract } from '../../../test/contract/lease-store.contract.ts';
import { createJournalLeaseStore } from './journal-lease-store.ts';
import type { JournalLeaseStore, JournalLeaseStoreOptions } from './journal-lease-store.ts';
import { nodeJournalIo } from './journal-io.ts';
import type { JournalIo } from './journal-io.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/journals/', import.meta.url));
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tandem-journal-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type LogEntry = { id: string; fields: Record<string, unknown> };
function openStore(path: string, extra: Partial<JournalLeaseStoreOptions> = {}): { logs: LogEntry[]; store: Promise<JournalLeaseStore> } {
  const logs: LogEntry[] = [];
  const store = createJournalLeaseStore({
    path, lfcIntervalSec: 0, clock: systemClock, log: (id, fields) => logs.push({ id, fields }), ...extra,
  });
  return { logs, store };
}

function lease(n: number, over: Partial<Lease4> = {}): Lease4 {
  return {
    address: (parseIp4('10.0.0.0')! + n) >>> 0, hwAddress: '0a:00:00:00:00:01', clientId: null, subnetId: 1,
    cltt: 1_700_000_000, validLifetime: 3600, hostname: '', state: 'default', ...over,
  };
}

runLeaseStoreContract('journal', async () => {
  const dir = tempDir();
  const path = join(dir, 'sub', 'leases4.jsonl'); // missing directory is created
  let store: JournalLeaseStore = await (openStore(path).store);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await openStore(path).store;
      return store;
    },
    cleanup: () => store.close(),
  };
});

describe('journal lease store', () => {
  it('ignores, reports and truncates a torn last line', async () => {
    const path = join(tempDir(), 'j.jsonl');
    copyFileSync(join(FIXTURES, 'torn-tail.jsonl'), path);
    const { logs, store: p } = openStore(path);
    const store = await p;
    assert.deepEqual({ ...store.replay, ms: 0 }, { records: 3, leases: 3, tornTail: true, skipped: 0, ms: 0 });
    assert.ok(logs.some((l) => l.id === 'STORE_JOURNAL_TORN_TAIL'));
    assert.ok(readFileSync(path, 'utf8').endsWith('"seq":3}\n'));
    await store.insert4({ ...lease(0), address: parseIp4('192.0.2.13')! });
    await store.close();
    const again = await openStore(path).store;
    assert.deepEqual({ ...again.replay, ms: 0 }, { records: 4, leases: 4, tornTail: false, skipped: 0, ms: 0 });
    assert.equal((await again.get4(parseIp4('192.0.2.11')!))?.clientId, '01:0a:00:27:00:00:02');
    await again.close();
  });

  it('skips and counts bad lines in the middle', async () => {
    const path = join(tempDir(), 'j.jsonl');
    copyFileSync(join(FIXTURES, 'bad-middle.jsonl'), path);
    const { logs, store: p } = openStore(path);
    const store = await p;
    assert.equal(store.replay.skipped, 2);
    assert.equal(store.replay.tornTail, false);
    assert.equal(store.replay.leases, 2);
    assert.equal(logs.filter((l) => l.id === 'STORE_JOURNAL_BAD_RECORD').length, 2);
    await store.close();
  });

  it('replays last-writer-wins, tombstones, old and newer record versions', async () => {
    const path = join(tempDir(), 'j.jsonl');
    copyFileSync(join(FIXTURES, 'tombstones-and-versions.jsonl'), path);
    const store = await openStore(path).store;
    const a = (s: string) => parseIp4(s)!;
    assert.deepEqual(await store.get4(a('192.0.2.10')), {
      address: a('192.0.2.10'), hwAddress: '0a:00:27:00:00:01', clientId: null, subnetId: 1, cltt: 1700000200,
      validLifetime: 1800, hostname: 'b', state: 'default',
    });
    assert.equal(await store.get4(a('192.0.2.11')), null);
    assert.deepEqual(await store.get4(a('192.0.2.12')), {
      address: a('192.0.2.12'), hwAddress: '0a:00:27:00:00:03', clientId: null, subnetId: 2, cltt: 1700000000,
      validLifetime: 7200, hostname: '', state: 'expired-reclaimed',
    });
    assert.equal((await store.get4(a('192.0.2.13')))?.validLifetime, 60);
    assert.equal(store.replay.leases, 3);
    await store.close();
  });

  it('refuses a file with no journal records instead of truncating it', async () => {
    const path = join(tempDir(), 'j.jsonl');
    writeFileSync(path, 'this is not a journal\n');
    await assert.rejects(openStore(path).store, (e: unknown) => e instanceof StoreError && e.code === 'ERR_STORE_CORRUPT');
    assert.equal(readFileSync(path, 'utf8'), 'this is not a journal\n');
    assert.equal(existsSync(`${path}.lock`), false);
  });

  it('group commit: 1000 concurrent inserts need far fewer than 1000 fsyncs', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const store = await openStore(path).store;
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.insert4(lease(i))));
    assert.equal(store.stats.records, 1000);
    assert.ok(store.stats.syncs < 100, `syncs: ${store.stats.syncs}`);
    // Writes issued while a sync is in flight share the next one.
    const waves = [];
    for (let w = 0; w < 5; w++) {
      waves.push(...Array.from({ length: 100 }, (_, i) => store.insert4(lease(1000 + w * 100 + i))));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waves);
    assert.ok(store.stats.syncs < 100, `syncs: ${store.stats.syncs}`);
    await store.close();
    assert.equal(readFileSync(path, 'utf8').split('\n').length - 1, 1500);
  });

  it('compaction keeps every lease, including writes racing with it', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const { logs, store: p } = openStore(path);
    const store = await p;
    await Promise.all(Array.from({ length: 3000 }, (_, i) => store.insert4(lease(i))));
    for (let i = 0; i < 1000; i++) await store.update4(lease(i, { cltt: 1_700_000_001 }), { cltt: 1_700_000_000, validLifetime: 3600 });
    const racing: Promise<void>[] = [];
    const compaction = store.compact();
    for (let w = 0; w < 20; w++) {
      racing.push(store.insert4(lease(5000 + w)));
      racing.push(store.remove4(lease(2000 + w).address, { cltt: 1_700_000_000, validLifetime: 3600 }));
      racing.push(store.update4(lease(2500 + w, { hostname: 'raced' }), { cltt: 1_700_000_000, validLifetime: 3600 }));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all([compaction, ...racing]);
    racing.length = 0;
    for (let w = 0; w < 5; w++) racing.push(store.insert4(lease(6000 + w)));
    await Promise.all(racing);
    assert.ok(logs.some((l) => l.id === 'STORE_JOURNAL_COMPACTED' && l.fields['leases'] !== undefined));
    const expected = await store.scan4(null, 100_000);
    await store.close();
    const lines = readFileSync(path, 'utf8').split('\n').length - 1;
    assert.ok(lines < 3000 + 1000 + 100, `journal has ${lines} lines after compaction`);
    const again = await openStore(path).store;
    assert.equal(again.replay.leases, 3000 + 20 - 20 + 5);
    assert.deepEqual(await again.scan4(null, 100_000), expected);
    assert.equal((await again.get4(lease(2500).address))?.hostname, 'raced');
    assert.equal(await again.get4(lease(2000).address), null);
    assert.equal((await again.get4(lease(5).address))?.cltt, 1_700_000_001);
    assert.equal(existsSync(`${path}.tmp`), false);
    await again.close();
  });

  it('refuses a journal another live process holds, and takes over a stale lock', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const first = await openStore(path).store;
    await assert.rejects(openStore(path).store, (e: unknown) => e instanceof StoreError && e.code === 'ERR_STORE_LOCKED');
    await first.close();
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => dead.on('exit', () => resolve(dead.pid!)));
    writeFileSync(`${path}.lock`, `${deadPid}\n`);
    const { logs, store: p } = openStore(path);
    const second = await p;
    assert.ok(logs.some((l) => l.id === 'STORE_JOURNAL_STALE_LOCK'));
    assert.equal(readFileSync(`${path}.lock`, 'utf8').trim(), String(process.pid));
    await second.close();
    assert.equal(existsSync(`${path}.lock`), false);
  });

  it('a failed write poisons the store: pending and later writes reject with ERR_STORE_IO', async () => {
    const path = join(tempDir(), 'j.jsonl');
    let writes = 0;
    const io: JournalIo = {
      ...nodeJournalIo,
      open: async (p, flags) => {
        const fh = await open(p, flags);
        return {
          write: (b, o, l) => (++writes === 3 ? Promise.reject(new Error('EIO (injected)')) : fh.write(b, o, l)),
          datasync: () => fh.datasync(),
          sync: () => fh.sync(),
          close: () => fh.close(),
        };
      },
    };
    const { logs, store: p } = openStore(path, { io });
    const store = await p;
    await store.insert4(lease(1));
    await store.insert4(lease(2));
    const failing = Array.from({ length: 10 }, (_, i) => store.insert4(lease(10 + i)));
    const isIo = (e: unknown) => e instanceof StoreError && e.code === 'ERR_STORE_IO';
    for (const f of failing) await assert.rejects(f, isIo);
    await assert.rejects(store.insert4(lease(99)), isIo);
    assert.equal(logs.filter((l) => l.id === 'STORE_JOURNAL_WRITE_FAILED').length, 1);
    await store.close();
    const again = await openStore(path).store;
    assert.equal(again.replay.leases, 2);
    await again.close();
  });

  it('crash durability: every insert acknowledged before SIGKILL is there after reopen', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const script = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const acked = await new Promise<number[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('child produced too little output')), 30_000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.split('\n').length > 3000 && child.exitCode === null) {
          child.kill('SIGKILL');
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        const lines = out.split('\n');
        lines.pop(); // a partial last line was not fully printed
        resolve(lines.filter((l) => l !== 'ready').map(Number));
      });
    });
    assert.ok(acked.length > 2000, `child acknowledged ${acked.length} inserts`);
    const store = await openStore(path).store; // the dead child's lock is stale
    const missing = [];
    for (const a of acked) if ((await store.get4(a)) === null) missing.push(a);
    assert.deepEqual(missing, []);
    await store.close();
  });
});
