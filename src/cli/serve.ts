import { createLogger } from '../obs/index.ts';
import type { Level, LogFormat } from '../obs/index.ts';
import { startServer4 } from '../runtime/index.ts';
import type { Server4 } from '../runtime/index.ts';

/** `tandem serve`: runs until SIGTERM/SIGINT or a shutdown command (drain, flush, exit 0); SIGHUP reloads. */
export async function runServe(configPath: string, format: string, level: string): Promise<number> {
  if (format !== 'text' && format !== 'json') throw new Error(`--log-format must be text or json, not '${format}'`);
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`--log-level must be debug, info, warn or error, not '${level}'`);
  const log = createLogger({ format: format as LogFormat, level: level as Level });
  let requestStop = () => {};
  const stopped = new Promise<void>((resolve) => { requestStop = resolve; });
  let server: Server4;
  try {
    server = await startServer4({ configPath, log, onShutdownRequest: () => requestStop() });
  } catch (error) {
    process.stderr.write(`tandem: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const onHup = () => { void server.reload(); };
  process.on('SIGTERM', requestStop);
  process.on('SIGINT', requestStop);
  process.on('SIGHUP', onHup);
  await stopped;
  process.off('SIGTERM', requestStop);
  process.off('SIGINT', requestStop);
  process.off('SIGHUP', onHup);
  try {
    await server.stop();
    return 0;
  } catch (error) {
    process.stderr.write(`tandem: shutdown failed: ${String(error)}\n`);
    return 1;
  }
}
