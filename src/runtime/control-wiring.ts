import type { ControlSocketSpec } from '../model/index.ts';
import type { Histogram, Logger } from '../obs/index.ts';
import { createControlHandler, startControlListeners } from '../control/index.ts';
import type { ControlListeners, ServerApi } from '../control/index.ts';

export type ControlWiring = {
  addresses(): string[];
  /** Reopens the listeners when the specs changed; on failure the old ones are reopened and the error thrown. */
  reconfigure(sockets: readonly ControlSocketSpec[]): Promise<void>;
  /** Stops accepting and waits (bounded) for requests in progress. */
  close(): Promise<void>;
};

const DRAIN_MS = 2000;

/** The control API of one server: the command handler behind every configured listener. */
export async function startControl(api: ServerApi, sockets: readonly ControlSocketSpec[], log: Logger,
  storeWrites: Histogram): Promise<ControlWiring> {
  const handler = createControlHandler(api, { log });
  const open = (specs: readonly ControlSocketSpec[]) =>
    startControlListeners(handler, api, specs, { log, metrics: { storeWrites: () => storeWrites.snapshot() } });
  let specs = sockets;
  let listeners: ControlListeners = await open(specs);
  return {
    addresses: () => listeners.addresses(),
    async reconfigure(next) {
      if (JSON.stringify(next) === JSON.stringify(specs)) return;
      // No drain: the request that changed the config may be running on one of these listeners.
      await listeners.close();
      try {
        listeners = await open(next);
        specs = next;
      } catch (error) {
        listeners = await open(specs);
        throw error;
      }
    },
    close: () => listeners.close({ drainMs: DRAIN_MS }),
  };
}
