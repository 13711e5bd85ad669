import { UsageError } from './cli-io.ts';

/**
 * A `--arg` value as the user meant it: integers and decimals become numbers, true/false/null their
 * JSON values, text starting with `[`, `{` or `"` is parsed as JSON; anything else stays a string
 * (so 10.0.0.1, 1a:2b:… and host names pass through untouched).
 */
export function parseArgValue(text: string): unknown {
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new UsageError(`value ${text} looks like JSON but is not: ${(e as Error).message}`);
    }
  }
  return text;
}

/**
 * Builds a command's arguments from `--args-json` (an object) and then each `--arg key=value`;
 * dotted keys nest (`reservation.subnet-id=1`). A later `--arg` overrides an earlier value.
 */
export function buildArguments(argsJson: string | undefined, pairs: readonly string[]): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  if (argsJson !== undefined) {
    let v: unknown;
    try {
      v = JSON.parse(argsJson);
    } catch (e) {
      throw new UsageError(`--args-json: not JSON: ${(e as Error).message}`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError('--args-json: expected a JSON object');
    out = v as Record<string, unknown>;
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--arg ${pair}: expected key=value`);
    const path = pair.slice(0, eq).split('.');
    if (path.some((p) => p === '')) throw new UsageError(`--arg ${pair}: empty key segment`);
    out ??= {};
    let node: Record<string, unknown> = out;
    for (const [i, key] of path.entries()) {
      if (i === path.length - 1) {
        node[key] = parseArgValue(pair.slice(eq + 1));
        break;
      }
      const next = node[key];
      if (next === undefined) {
        const fresh: Record<string, unknown> = {};
        node[key] = fresh;
        node = fresh;
      } else if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
        node = next as Record<string, unknown>;
      } else {
        throw new UsageError(`--arg ${pair}: '${path.slice(0, i + 1).join('.')}' already holds a value`);
      }
    }
  }
  return out;
}
