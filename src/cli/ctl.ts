import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.ts';
import { UsageError } from './cli-io.ts';
import { buildArguments } from './ctl-args.ts';
import { call, resolveTarget, TARGET_OPTIONS } from './control-target.ts';

const RESULT_NAMES = ['success', 'error', 'unsupported', 'empty', 'conflict'];

/**
 * `tandem ctl COMMAND [--arg key=value ...] [--args-json '{…}'] [--json]`: any control command.
 * Exit code 0 on result 0, 3 on result 3 (empty), 1 otherwise.
 */
export async function runCtl(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...TARGET_OPTIONS, arg: { type: 'string', short: 'a', multiple: true }, 'args-json': { type: 'string' } },
    allowPositionals: true,
  });
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError("'tandem ctl' needs a COMMAND (try 'tandem ctl list-commands')");
  if (extra.length > 0) throw new UsageError(`'tandem ctl' takes one COMMAND; unexpected ${extra.join(' ')} (use --arg key=value)`);
  const args = buildArguments(values['args-json'], values.arg ?? []);
  const { target, timeoutMs } = await resolveTarget(values);
  const response = await call(io.connect(target, timeoutMs), command, args);
  if (values.json) {
    io.out(JSON.stringify(response, null, 2) + '\n');
  } else {
    io.out(`result ${response.result} (${RESULT_NAMES[response.result] ?? 'unknown'})${typeof response.text === 'string' ? `: ${response.text}` : ''}\n`);
    if (response.arguments !== undefined) io.out(JSON.stringify(response.arguments, null, 2) + '\n');
  }
  return response.result === 0 ? 0 : response.result === 3 ? 3 : 1;
}
