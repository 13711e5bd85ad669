/**
 * Failures of DHCP sockets. Codes:
 * - ERR_TRANSPORT_SOCKET    a native call (socket, setsockopt, bind, ioctl) or dgram setup failed
 * - ERR_TRANSPORT_SEND      dgram reported an error for one datagram
 * - ERR_TRANSPORT_LINK_DOWN there is no open socket for the link asked for
 * - ERR_TRANSPORT_CLOSED    the transport was closed
 */
export type TransportErrorCode =
  | 'ERR_TRANSPORT_SOCKET'
  | 'ERR_TRANSPORT_SEND'
  | 'ERR_TRANSPORT_LINK_DOWN'
  | 'ERR_TRANSPORT_CLOSED';

export class TransportError extends Error {
  readonly code: TransportErrorCode;
  /** Structured context for logs: ifname, call, errno name… */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: TransportErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TransportError';
    this.code = code;
    this.details = details;
  }
}
