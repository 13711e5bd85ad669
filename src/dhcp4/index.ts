export { createProcessor4 } from './processor4.ts';
export type { Processor4 } from './processor4.ts';
export type { Handler4Deps } from './context4.ts';
export type { Inbound4, LinkRef4, Outcome4, DropReason4, Exchange4, ExchangeHooks4 } from './exchange4.ts';
export { DROP_REASONS4 } from './exchange4.ts';
export { replyRoute4 } from './route.ts';
export { selectSubnet4 } from './select-subnet4.ts';
