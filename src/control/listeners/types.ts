import type { Logger } from '../../obs/index.ts';
import type { CallContext, ControlResponse } from '../types.ts';
import type { MetricsSources } from '../metrics.ts';
import type { ControlSocketSpec } from '../../model/index.ts';
import type { HttpListenerExtras } from './http-listener.ts';

/** What a listener needs from the command handler (helper A's ControlHandler satisfies it). */
export type RequestHandler = {
  handle(req: unknown, ctx: CallContext): Promise<ControlResponse>;
};

export type ListenerDeps = {
  readonly handler: RequestHandler;
  readonly log: Logger;
  /** The Prometheus text for GET /metrics. */
  readonly metrics: () => string;
};

/** One open listener. */
export interface Listener {
  /** `unix:/run/tandem.sock`, `http://127.0.0.1:8000`, `https://[::1]:8443`. */
  readonly address: string;
  /**
   * Stops accepting at once. With `drainMs`, waits up to that long for requests in progress and then
   * cuts what is left; without, requests in progress finish on their own (used by a config change,
   * which may itself be such a request).
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

export type StartOptions = {
  readonly log: Logger;
  readonly metrics?: MetricsSources;
  /** Extra checks for one HTTP(S) socket (the partner's signature on a socket that serves the peer url). */
  readonly httpExtras?: (spec: Extract<ControlSocketSpec, { type: 'http' | 'https' }>) => HttpListenerExtras | undefined;
};

/** Requests larger than this are refused (Kea's own limit on control messages is similar). */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** A client that has not sent its whole request by then is answered with an error and cut off. */
export const READ_TIMEOUT_MS = 10_000;

export const invalidJson = (error: unknown): ControlResponse => ({
  result: 1, text: `invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
});
