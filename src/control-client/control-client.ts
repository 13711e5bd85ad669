import type { ControlResponse } from '../control/index.ts';
import { httpCall } from './http-call.ts';
import type { HttpTarget } from './http-call.ts';
import { toControlResponse } from './response.ts';
import { unixCall } from './unix-call.ts';

/** Where a control server listens: its Unix socket, or its HTTP(S) URL with credentials and TLS files. */
export type ControlTarget = { readonly socket: string } | HttpTarget;

export type ControlClientOptions = { readonly timeoutMs?: number };

export interface ControlClient {
  /** Sends one command; resolves to the server's response whatever its result code. */
  call(command: string, args?: object): Promise<ControlResponse>;
  /** Where it sends, for messages: the socket path or the URL. */
  readonly where: string;
}

/** A client of tandem's (and Kea's) control API. One connection per command, as Kea does. */
export function createControlClient(target: ControlTarget, opts: ControlClientOptions = {}): ControlClient {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const where = 'socket' in target ? target.socket : target.url;
  return {
    where,
    async call(command, args) {
      if ('socket' in target) {
        const body = JSON.stringify(args === undefined ? { command } : { command, arguments: args });
        return toControlResponse(await unixCall(target.socket, body, timeoutMs), where);
      }
      const body = JSON.stringify(args === undefined
        ? { command, service: ['dhcp4'] } : { command, service: ['dhcp4'], arguments: args });
      return toControlResponse(await httpCall(target, body, timeoutMs), where);
    },
  };
}
