import type { Ip4 } from '../util/index.ts';
import type { Lease4, LeaseVersion } from '../model/index.ts';

/** One committed change, published once and in commit order. `before` is null for an insert. */
export type LeaseChange4 =
  | { readonly kind: 'insert'; readonly lease: Lease4; readonly before: null }
  | { readonly kind: 'update'; readonly lease: Lease4; readonly before: Lease4 }
  | { readonly kind: 'remove'; readonly lease: Lease4; readonly before: Lease4 };

export type LeaseQuery4 = {
  readonly subnetId?: number;
  readonly hwAddress?: string;
  readonly clientId?: string;
  readonly hostname?: string;
};

/**
 * Every lease change goes through this interface. Writes resolve only once the change is durable
 * (fsync'd journal or committed transaction); a write that cannot be made durable rejects.
 * Writes are compare-and-set: `update`/`remove` reject with StoreConflictError when the stored
 * lease's version is not `expected`; `insert` rejects with StoreConflictError when the address is taken.
 */
export interface LeaseStore {
  get4(address: Ip4): Promise<Lease4 | null>;
  /** Leases matching every given field, ordered by address. */
  find4(query: LeaseQuery4): Promise<Lease4[]>;
  insert4(lease: Lease4): Promise<void>;
  update4(lease: Lease4, expected: LeaseVersion): Promise<void>;
  remove4(address: Ip4, expected: LeaseVersion): Promise<void>;
  /** Leases in state default or declined whose expiry (cltt + valid) is before `time`, oldest first. */
  expiredBefore4(time: number, limit: number): Promise<Lease4[]>;
  /** Leases with address greater than `after` (null: from the start), ordered by address. */
  scan4(after: Ip4 | null, limit: number): Promise<Lease4[]>;
  /** Subscribes to committed changes; returns the unsubscribe function. */
  onChange(listener: (change: LeaseChange4) => void): () => void;
  /** Flushes pending writes and releases files/connections. */
  close(): Promise<void>;
}

export class StoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export class StoreConflictError extends StoreError {
  constructor(message: string) {
    super('ERR_STORE_CONFLICT', message);
    this.name = 'StoreConflictError';
  }
}
