export { AllocEngine4 } from './engine.ts';
export type { Pick4, Commit4, LeaseTerms4, AllocEngineOptions, Unavailable, AddressPolicy4 } from './engine.ts';
export type { ClientRef4 } from './client.ts';
export { clientKey, leaseBelongsTo, findReservation } from './client.ts';
export { createReclaimer4 } from './reclaim.ts';
export type { Reclaimer4 } from './reclaim.ts';
