import type { Logger } from '../obs/index.ts';
import type { CallContext, ControlResponse, ServerApi } from './types.ts';
import { ControlResult } from './types.ts';
import { anyObject, formatProblems, list, obj, str } from './args.ts';
import { createRegistry, failure } from './registry.ts';
import type { Command, CommandContext } from './registry.ts';
import { generalCommands } from './commands/general.ts';
import { configCommands } from './commands/config.ts';
import { leaseCommands } from './commands/leases.ts';
import { reservationCommands } from './commands/reservations.ts';
import { subnetCommands } from './commands/subnets.ts';
import { statsCommands } from './commands/stats.ts';
import { serviceCommands } from './commands/service.ts';
import { haCommands, routePartnerOrigin } from './commands/ha.ts';

/** The whole command table: one row per command (R2). list-commands is derived from it. */
export const COMMANDS: readonly Command[] = [
  ...generalCommands, ...configCommands, ...leaseCommands.map(routePartnerOrigin), ...reservationCommands,
  ...subnetCommands, ...statsCommands, ...serviceCommands, ...haCommands,
];

export type ControlHandler = {
  /** Answers one request: `req` is the parsed JSON body, anything at all; it is validated here. */
  handle(req: unknown, ctx: CallContext): Promise<ControlResponse>;
  /** The same for raw text: malformed JSON gets result 1 "invalid JSON: …". */
  handleText(text: string, ctx: CallContext): Promise<ControlResponse>;
  commands(): string[];
};

export type ControlHandlerOptions = {
  readonly log?: Logger;
  /** Epoch seconds; defaults to the system clock. */
  readonly now?: () => number;
};

const requestSchema = obj({
  required: { command: str({ min: 1, max: 200 }) },
  optional: { arguments: anyObject(), service: list(str()) },
});

/** Kea's answer to a body that is not JSON. */
export function invalidJsonResponse(error: unknown): ControlResponse {
  return failure(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * Validates a request, runs its command and answers in Kea's shape. It never throws: a command
 * that throws answers result 1 with the error's message, and the server keeps serving.
 */
export function createControlHandler(api: ServerApi, opts: ControlHandlerOptions = {}): ControlHandler {
  const registry = createRegistry(COMMANDS);
  const log = opts.log;
  const now = opts.now ?? (() => Date.now() / 1000);
  const who = (ctx: CallContext) => ({ via: ctx.via, user: ctx.user, remote: ctx.remote });

  async function handle(req: unknown, call: CallContext): Promise<ControlResponse> {
    const checked = requestSchema.check(req, 'request');
    if (!checked.ok) {
      const text = formatProblems(checked.problems);
      log?.log('CTRL_COMMAND_FAILED', { command: null, ...who(call), result: ControlResult.ERROR, error: text });
      return failure(text);
    }
    const name = checked.value.command;
    log?.log('CTRL_COMMAND_RECEIVED', { command: name, ...who(call) });
    const command = registry.get(name);
    if (command === undefined) {
      const text = `'${name}' command not supported.`;
      log?.log('CTRL_COMMAND_FAILED', { command: name, ...who(call), result: ControlResult.UNSUPPORTED, error: text });
      return { result: ControlResult.UNSUPPORTED, text };
    }
    const args = command.check(checked.value.arguments);
    if (!args.ok) {
      const text = formatProblems(args.problems);
      log?.log('CTRL_COMMAND_FAILED', { command: name, ...who(call), result: ControlResult.ERROR, error: text });
      return failure(text);
    }
    const ctx: CommandContext = { api, call, now, commands: registry.names };
    try {
      const response = await command.run(args.value, ctx);
      if (response.result === ControlResult.ERROR || response.result === ControlResult.CONFLICT) {
        log?.log('CTRL_COMMAND_FAILED', { command: name, ...who(call), result: response.result, error: response.text });
      }
      return response;
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown } | null)?.code;
      log?.log('CTRL_COMMAND_FAILED', { command: name, ...who(call), result: ControlResult.ERROR, error: text, ...(typeof code === 'string' ? { code } : {}) });
      return failure(text);
    }
  }

  return {
    handle,
    async handleText(text, call) {
      let req: unknown;
      try {
        req = JSON.parse(text);
      } catch (error) {
        log?.log('CTRL_COMMAND_FAILED', { command: null, ...who(call), result: ControlResult.ERROR, error: 'invalid JSON' });
        return invalidJsonResponse(error);
      }
      return handle(req, call);
    },
    commands: () => [...registry.names()],
  };
}
