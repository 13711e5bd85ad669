import { createLogger } from '../obs/index.ts';
import type { Level, LogFormat } from '../obs/index.ts';
import { startServer4 } from '../runtime/index.ts';

/** `tandem serve`: runs until SIGTERM/SIGINT (drain, flush, exit 0); SIGHUP reloads the config. */
export async function runServe(configPath: string, format: string, level: string): Promise<number> {
  if (format !== 'text' && format !== 'json') throw new Error(`--log-format must be text or json, not '${format}'`);
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`--log-level must be debug, info, warn or error, not '${level}'`);
  const log = createLogger({ format: format as LogFormat, level: level as Level });
  let server;
  try {
    server = await startServer4({ configPath, log });
  } catch (error) {
    process.stderr.write(`tandem: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const running = server;
  return await new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      running.stop().then(() => resolve(0), (error) => {
        process.stderr.write(`tandem: shutdown failed: ${String(error)}\n`);
        resolve(1);
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => { void running.reload(); });
  });
}
