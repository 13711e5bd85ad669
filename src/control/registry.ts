import type { CallContext, ControlResponse, ServerApi } from './types.ts';
import { ControlResult } from './types.ts';
import type { Checked, Schema } from './args.ts';

/** What a command handler gets besides its checked arguments. */
export type CommandContext = {
  readonly api: ServerApi;
  readonly call: CallContext;
  /** Epoch seconds (fractional). */
  now(): number;
  /** Every command name, sorted (for list-commands). */
  commands(): readonly string[];
};

/** One row of the command table (R2): name, argument schema, handler. */
export type Command = {
  readonly name: string;
  readonly summary: string;
  /** Checks `arguments` (undefined when the request had none). */
  check(args: unknown): Checked<unknown>;
  run(args: unknown, ctx: CommandContext): Promise<ControlResponse>;
};

/**
 * Makes a table row. Without `args` the command takes no arguments and ignores any it is given
 * (as Kea does). With `args`, a request without `arguments` is checked as `{}`, so a missing
 * required key is named in the answer.
 */
export function defineCommand<A>(def: {
  name: string;
  summary: string;
  args?: Schema<A>;
  run(args: A, ctx: CommandContext): ControlResponse | Promise<ControlResponse>;
}): Command {
  const schema = def.args;
  return {
    name: def.name,
    summary: def.summary,
    check: (args) => (schema === undefined ? { ok: true, value: undefined } : schema.check(args ?? {}, 'arguments')),
    run: async (args, ctx) => def.run(args as A, ctx),
  };
}

export type Registry = {
  get(name: string): Command | undefined;
  names(): readonly string[];
};

export function createRegistry(commands: readonly Command[]): Registry {
  const byName = new Map<string, Command>();
  for (const c of commands) {
    if (byName.has(c.name)) throw new Error(`control: command '${c.name}' defined twice`);
    byName.set(c.name, c);
  }
  const names = Object.freeze([...byName.keys()].sort());
  return { get: (name) => byName.get(name), names: () => names };
}

/** Response helpers, so every command spells results the same way. */
export function success(text: string, args?: Record<string, unknown>): ControlResponse {
  return args === undefined ? { result: ControlResult.SUCCESS, text } : { result: ControlResult.SUCCESS, text, arguments: args };
}
export function failure(text: string): ControlResponse {
  return { result: ControlResult.ERROR, text };
}
export function empty(text: string, args?: Record<string, unknown>): ControlResponse {
  return args === undefined ? { result: ControlResult.EMPTY, text } : { result: ControlResult.EMPTY, text, arguments: args };
}
