/** A control call that produced no response: unreachable server, timeout, refused credentials, garbage. */
export class ControlClientError extends Error {
  readonly code:
    | 'ERR_CONTROL_CLIENT_CONNECT'
    | 'ERR_CONTROL_CLIENT_TIMEOUT'
    | 'ERR_CONTROL_CLIENT_AUTH'
    | 'ERR_CONTROL_CLIENT_HTTP'
    | 'ERR_CONTROL_CLIENT_RESPONSE'
    | 'ERR_CONTROL_CLIENT_TARGET';
  constructor(code: ControlClientError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ControlClientError';
    this.code = code;
  }
}
