import { open, rename, unlink } from 'node:fs/promises';

/** The part of node:fs/promises FileHandle the journal uses; tests substitute failing handles. */
export interface JournalFileHandle {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** File operations after startup, all asynchronous. Injectable for fault and fsync-count tests. */
export type JournalIo = {
  open(path: string, flags: 'a' | 'w' | 'r'): Promise<JournalFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
};

export const nodeJournalIo: JournalIo = {
  open: (path, flags) => open(path, flags, 0o644),
  rename,
  unlink,
};

export async function writeFully(fh: JournalFileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await fh.write(data, off, data.length - off);
    if (bytesWritten <= 0) throw new Error('short write');
    off += bytesWritten;
  }
}
