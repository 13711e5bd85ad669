import { createControlClient } from '../control-client/index.ts';
import type { ControlClient, ControlTarget } from '../control-client/index.ts';

/** What a CLI command writes to and connects with; tests pass their own. */
export type CliIo = {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress is shown only then). */
  readonly errIsTTY: boolean;
  connect(target: ControlTarget, timeoutMs?: number): ControlClient;
};

export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  get errIsTTY() { return process.stderr.isTTY === true; },
  connect: (target, timeoutMs) => createControlClient(target, timeoutMs === undefined ? {} : { timeoutMs }),
};

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  readonly code = 'ERR_CLI_USAGE';
}
