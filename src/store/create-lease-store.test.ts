import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../util/index.ts';
import { createLeaseStore } from './index.ts';

it('createLeaseStore picks memory for persist=false and the journal (relative to dataDir) otherwise', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-store-'));
  try {
    const mem = await createLeaseStore({ type: 'memfile', persist: false, name: 'x.jsonl', lfcInterval: 0 }, { clock: systemClock });
    assert.equal('compact' in mem, false);
    await mem.close();
    const j = await createLeaseStore({ type: 'memfile', persist: true, name: 'leases4.jsonl', lfcInterval: 3600 }, { clock: systemClock, dataDir: dir });
    assert.equal('compact' in j, true);
    assert.equal(existsSync(join(dir, 'leases4.jsonl.lock')), true);
    await j.close();
    assert.equal(existsSync(join(dir, 'leases4.jsonl.lock')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
