// tandem's control client: one command to a tandem (or Kea) server over its Unix socket or HTTP(S).
export { createControlClient } from './control-client.ts';
export type { ControlClient, ControlClientOptions, ControlTarget } from './control-client.ts';
export type { HttpTarget } from './http-call.ts';
export { ControlClientError } from './control-client-error.ts';
export { resolveControlTarget, controlTargetOf, DEFAULT_SOCKET_NAME } from './resolve-target.ts';
export type { ControlRequest, ControlResponse, ControlResultCode } from '../control/index.ts';
