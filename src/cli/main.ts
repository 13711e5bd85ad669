import { parseArgs } from 'node:util';
import { runCheck } from './check.ts';
import { runServe } from './serve.ts';
import { VERSION } from '../runtime/index.ts';
import { ConfigError, formatConfigIssue } from '../config/index.ts';
import { processIo, UsageError } from './cli-io.ts';
import type { CliIo } from './cli-io.ts';
import { CommandFailed } from './control-target.ts';
import { runCtl } from './ctl.ts';
import { runLease } from './lease.ts';
import { runLeases } from './leases.ts';
import { runReservations } from './reservations.ts';
import { runStats } from './stats.ts';
import { runStatus } from './status.ts';
import { HA_USAGE, runHa } from './ha.ts';

const USAGE = `usage: tandem <command> [options]

commands:
  serve  --config FILE [--log-format text|json] [--log-level debug|info|warn|error]
         run the DHCPv4 server in the foreground (SIGTERM stops, SIGHUP reloads the config)
  check  --config FILE
         validate a config file; prints every problem with its JSON path, exits 1 if any error
  version

commands that talk to a running server (TARGET below; add --json for JSON output):
  ctl COMMAND [--arg key=value ...] [--args-json '{...}']
         send any control command (values: numbers, true/false, JSON; dotted keys nest);
         exit 0 on result 0, 3 on result 3 (empty), 1 otherwise
  status                                  version, uptime, serving state, subnets
  leases [--subnet N] [--mac M] [--hostname H] [--state default|declined|expired-reclaimed]
         the server's leases (from the lease file when the server cannot be reached)
  lease show ADDR | lease del ADDR
  lease add ADDR --mac M [--client-id C] [--subnet N] [--hostname H] [--valid-lft SECONDS]
  reservations list [--subnet N]
  reservations add --subnet N (--mac M | --client-id C) --ip ADDR [--hostname H]
  reservations del --subnet N (--ip ADDR | --mac M | --client-id C)
  stats                                   per subnet: size, assigned, free, declined, % in use
  ha ${HA_USAGE}
         high availability: both servers' states, scopes, last contact, clock skew, unsent updates;
         fetch the partner's leases now; hand over for maintenance; declare the partner down

TARGET: --config FILE (default /etc/tandem/tandem.json; its first unix control socket, else its
        first http one) | --socket PATH | --url URL [--user U --password-file F] [--ca F]
        [--cert F --key F];  --timeout SECONDS (default 30)
`;

type Runner = (argv: string[], io: CliIo) => Promise<number>;
const CONTROL_COMMANDS: Record<string, Runner> = {
  ctl: runCtl, status: runStatus, leases: runLeases, lease: runLease, reservations: runReservations,
  reservation: runReservations, stats: runStats, ha: runHa,
};

/** Runs one tandem command; resolves to the process exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const control = command === undefined ? undefined : CONTROL_COMMANDS[command];
    if (control !== undefined) return await control(rest, io);
    return await runLocal(command, rest);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`tandem: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof CommandFailed) {
      io.err(`tandem: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      io.err(`tandem: the config is not valid:\n${error.issues.map((i) => `  ${formatConfigIssue(i)}`).join('\n')}\n`);
      return 1;
    }
    throw error;
  }
}

const isParseArgsError = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
};

async function runLocal(command: string | undefined, rest: string[]): Promise<number> {
  const parsed = parseArgs({
    args: rest,
    options: {
      config: { type: 'string', short: 'c' },
      'log-format': { type: 'string', default: 'text' },
      'log-level': { type: 'string', default: 'info' },
    },
    allowPositionals: false,
  }).values;
  const needConfig = () => {
    if (parsed.config === undefined) throw new UsageError(`'tandem ${command}' needs --config FILE`);
    return parsed.config;
  };
  switch (command) {
    case 'serve': return await runServe(needConfig(), parsed['log-format'] ?? 'text', parsed['log-level'] ?? 'info');
    case 'check': return await runCheck(needConfig());
    case 'version': case '--version': process.stdout.write(`tandem ${VERSION}\n`); return 0;
    case undefined: case 'help': case '--help': case '-h': process.stdout.write(USAGE); return 0;
    default: throw new UsageError(`unknown command '${command}'`);
  }
}
