export { startControlListeners } from './start-control-listeners.ts';
export type { ControlListeners } from './start-control-listeners.ts';
export type { RequestHandler, StartOptions } from './types.ts';
export { MAX_REQUEST_BYTES, READ_TIMEOUT_MS } from './types.ts';
export { ListenerError } from './unix-listener.ts';
export { PARTNER_ONLY_COMMANDS, READ_ONLY_COMMANDS, controlSocketServes, haListenerSpec, partnerAuthExtras, restrictCommands, servesPeerUrl, startHaListener } from './ha-listener.ts';
export type { HaListenerOptions } from './ha-listener.ts';
export type { Listener } from './types.ts';
