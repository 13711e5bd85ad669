import { parseArgs } from 'node:util';
import { runCheck } from './check.ts';
import { runLeases } from './leases.ts';
import { runServe } from './serve.ts';
import { VERSION } from '../runtime/index.ts';

const USAGE = `usage: tandem <command> [options]

commands:
  serve  --config FILE [--log-format text|json] [--log-level debug|info|warn|error]
         run the DHCPv4 server in the foreground (SIGTERM stops, SIGHUP reloads the config)
  check  --config FILE
         validate a config file; prints every problem with its JSON path, exits 1 if any error
  leases --config FILE [--json]
         list the leases stored for that config (JSON in Kea's lease shape with --json)
  version
`;

/** Runs one tandem command; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean', default: false },
        'log-format': { type: 'string', default: 'text' },
        'log-level': { type: 'string', default: 'info' },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    process.stderr.write(`tandem: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const needConfig = () => {
    if (parsed.config === undefined) throw new UsageError(`'tandem ${command}' needs --config FILE`);
    return parsed.config;
  };
  try {
    switch (command) {
      case 'serve': return await runServe(needConfig(), parsed['log-format'] ?? 'text', parsed['log-level'] ?? 'info');
      case 'check': return await runCheck(needConfig());
      case 'leases': return await runLeases(needConfig(), parsed.json ?? false);
      case 'version': case '--version': process.stdout.write(`tandem ${VERSION}\n`); return 0;
      case undefined: case 'help': case '--help': case '-h': process.stdout.write(USAGE); return 0;
      default: throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tandem: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

class UsageError extends Error {}
