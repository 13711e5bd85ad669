// Journal store micro-benchmark: group-commit throughput for N concurrent writers, then replay time
// and memory for a large journal. Prints figures only.
//   node --import tsx bench/journal.bench.ts [writers=64] [inserts=20000] [replayLeases=1000000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/util/index.ts';
import { createJournalLeaseStore } from '../src/store/index.ts';

if (process.argv[2] === '--replay') {
  // Child: open the journal in a fresh process so RSS shows only what the store holds.
  const path = process.argv[3]!;
  const t0 = performance.now();
  const store = await createJournalLeaseStore({ path, lfcIntervalSec: 0, clock: systemClock });
  const ms = performance.now() - t0;
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`replay ${store.replay.leases} leases (${(statSync(path).size / 1048576).toFixed(0)} MB file): ${ms.toFixed(0)} ms, rss ${(rss / 1048576).toFixed(0)} MB, heap ${(heapUsed / 1048576).toFixed(0)} MB`);
  const t1 = performance.now();
  await store.scan4(null, 100);
  console.log(`first scan4 page (builds address order): ${(performance.now() - t1).toFixed(0)} ms`);
  const t2 = performance.now();
  const ex = await store.expiredBefore4(1_700_003_700, 1000);
  console.log(`expiredBefore4(limit 1000) -> ${ex.length}: ${(performance.now() - t2).toFixed(1)} ms`);
  const t3 = performance.now();
  await store.compact();
  console.log(`compact ${store.replay.leases} leases: ${(performance.now() - t3).toFixed(0)} ms`);
  await store.close();
  process.exit(0);
}

const writers = Number(process.argv[2] ?? 64);
const inserts = Number(process.argv[3] ?? 20_000);
const replayLeases = Number(process.argv[4] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'tandem-journal-bench-'));

try {
  for (const w of [1, writers]) {
    const path = join(dir, `w${w}.jsonl`);
    const store = await createJournalLeaseStore({ path, lfcIntervalSec: 0, clock: systemClock });
    const n = w === 1 ? Math.min(inserts, 2000) : inserts;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: w }, async () => {
      while (next < n) {
        const i = next++;
        await store.insert4({
          address: 0x0a000000 + i, hwAddress: '0a:00:00:00:00:01', clientId: null, subnetId: 1,
          cltt: 1_700_000_000, validLifetime: 3600, hostname: '', state: 'default',
        });
      }
    }));
    const s = (performance.now() - t0) / 1000;
    const { syncs } = store.stats;
    console.log(`writers=${w} inserts=${n}: ${(n / s).toFixed(0)} inserts/s, ${(syncs / s).toFixed(0)} fsyncs/s, ${(n / syncs).toFixed(1)} leases/fsync`);
    await store.close();
  }

  const path = join(dir, 'big.jsonl');
  let text = '';
  const parts: string[] = [];
  for (let i = 0; i < replayLeases; i++) {
    const a = 0x0a000000 + i;
    text += `{"v":1,"family":4,"addr":"${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}","hw":"0a:00:${((i >>> 24) & 255).toString(16).padStart(2, '0')}:${((i >>> 16) & 255).toString(16).padStart(2, '0')}:${((i >>> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}","cid":null,"subnet":1,"cltt":${1_700_000_000 + (i % 3600)},"valid":3600,"state":"default","host":"","seq":${i + 1}}\n`;
    if (text.length > 1 << 22) { parts.push(text); text = ''; }
  }
  parts.push(text);
  writeFileSync(path, parts.join(''));
  parts.length = 0;
  spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', process.argv[1]!, '--replay', path], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
