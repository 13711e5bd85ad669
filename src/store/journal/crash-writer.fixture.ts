// Child process for the crash-durability test: inserts leases through the journal store with many
// concurrent writers and prints each address only after its insert4 promise has resolved. The test
// SIGKILLs it mid-way and checks that every printed address survives a reopen.
import { writeSync } from 'node:fs';
import { systemClock } from '../../util/index.ts';
import { createJournalLeaseStore } from './journal-lease-store.ts';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: crash-writer.fixture.ts <journal>');
const store = await createJournalLeaseStore({ path, lfcIntervalSec: 0, clock: systemClock });
writeSync(1, 'ready\n');
const base = 0x0a000000;
let next = 0;
async function worker(): Promise<void> {
  while (next < 200_000) {
    const address = base + next++;
    await store.insert4({
      address, hwAddress: '0a:00:00:00:00:01', clientId: null, subnetId: 1, cltt: 1_700_000_000,
      validLifetime: 3600, hostname: '', state: 'default',
    });
    writeSync(1, `${address}\n`);
  }
}
await Promise.all(Array.from({ length: 32 }, () => worker()));
