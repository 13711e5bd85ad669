export type {
  ControlRequest, ControlResponse, ControlResultCode, CallContext, ConfigOutcome, ServerApi,
} from './types.ts';
export { ControlResult } from './types.ts';
export { createControlHandler, invalidJsonResponse, COMMANDS } from './handler.ts';
export type { ControlHandler, ControlHandlerOptions } from './handler.ts';
export type { Command, CommandContext } from './registry.ts';
// listeners (helper B)
export { startControlListeners, ListenerError, MAX_REQUEST_BYTES, READ_TIMEOUT_MS } from './listeners/index.ts';
export type { ControlListeners, RequestHandler, StartOptions } from './listeners/index.ts';
// HA: the partner-facing listener and commands
export { PARTNER_ONLY_COMMANDS, READ_ONLY_COMMANDS, controlSocketServes, haListenerSpec, partnerAuthExtras, restrictCommands, servesPeerUrl, startHaListener } from './listeners/index.ts';
export type { HaListenerOptions, Listener } from './listeners/index.ts';
export { HA_COMMAND_NAMES } from './commands/ha.ts';
export { renderMetrics } from './metrics.ts';
export type { MetricsSources } from './metrics.ts';
