import type { ControlSocketSpec } from '../../model/index.ts';
import { renderMetrics } from '../metrics.ts';
import type { ServerApi } from '../types.ts';
import { startHttpListener } from './http-listener.ts';
import type { Listener, ListenerDeps, RequestHandler, StartOptions } from './types.ts';
import { ListenerError, startUnixListener } from './unix-listener.ts';

export type ControlListeners = {
  /** Closes every listener; with `drainMs`, waits that long for requests in progress (see Listener.close). */
  close(options?: { drainMs?: number }): Promise<void>;
  /** Where each listener is, in config order: `unix:/path`, `http://127.0.0.1:8000`. */
  addresses(): string[];
};

/**
 * Opens every configured control socket. All or nothing: if one cannot be opened, those already
 * open are closed and the error (with the socket named) is thrown.
 */
export async function startControlListeners(handler: RequestHandler, api: ServerApi, sockets: readonly ControlSocketSpec[],
  opts: StartOptions): Promise<ControlListeners> {
  const deps: ListenerDeps = { handler, log: opts.log, metrics: () => renderMetrics(api, opts.metrics) };
  const open: Listener[] = [];
  for (const spec of sockets) {
    const name = spec.type === 'unix' ? `unix:${spec.path}` : `${spec.type}://${spec.address}:${spec.port}`;
    try {
      open.push(spec.type === 'unix' ? await startUnixListener(spec.path, deps) : await startHttpListener(spec, deps, opts.httpExtras?.(spec)));
      opts.log.log('CTRL_LISTENING', { address: open[open.length - 1]!.address });
    } catch (error) {
      opts.log.log('CTRL_LISTENER_FAILED', { address: name, error: error instanceof Error ? error.message : String(error) });
      await Promise.allSettled(open.map((l) => l.close()));
      throw new ListenerError('ERR_CTRL_LISTENER_FAILED', `control socket ${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return {
    addresses: () => open.map((l) => l.address),
    async close(options = {}) {
      await Promise.allSettled(open.map((l) => l.close(options)));
      for (const l of open) opts.log.log('CTRL_LISTENER_CLOSED', { address: l.address });
    },
  };
}
