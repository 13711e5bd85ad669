import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { StoreError } from '../lease-store.ts';

export type JournalLock = { readonly path: string; release(): void };

/**
 * Takes `<journal>.lock` holding our pid. A lock held by a live process (including this one) is
 * refused with ERR_STORE_LOCKED; a lock left by a dead process is taken over.
 */
export function acquireJournalLock(journalPath: string, log: (id: string, f: Record<string, unknown>) => void): JournalLock {
  const path = `${journalPath}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        path,
        release: () => {
          if (released) return;
          released = true;
          try {
            if (readPid(path) === process.pid) unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError('ERR_STORE_IO', `cannot create lock ${path}`, { cause: err });
      }
    }
    const pid = readPid(path);
    if (pid !== null && isAlive(pid)) {
      throw new StoreError('ERR_STORE_LOCKED', `lease journal ${journalPath} is in use by process ${pid}`);
    }
    log('STORE_JOURNAL_STALE_LOCK', { path, pid });
    try {
      unlinkSync(path);
    } catch {
      // Someone else removed it first; retry the exclusive create.
    }
  }
  throw new StoreError('ERR_STORE_LOCKED', `could not take lock ${path}`);
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
