import { createHash } from 'node:crypto';
import type { ConfigIssue } from '../../config/index.ts';
import { anyObject, obj, str } from '../args.ts';
import { defineCommand, failure, success } from '../registry.ts';
import type { Command } from '../registry.ts';
import type { ConfigOutcome, ControlResponse } from '../types.ts';

/** `Dhcp4.subnet4[0].subnet: bad prefix; …`: every error, then every warning. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  const sorted = [...issues.filter((i) => i.severity === 'error'), ...issues.filter((i) => i.severity !== 'error')];
  return sorted.map((i) => `${i.severity === 'error' ? '' : 'warning: '}${i.path === '' ? '' : `${i.path}: `}${i.message}`).join('; ');
}

export function outcomeResponse(outcome: ConfigOutcome, okText: string): ControlResponse {
  return outcome.ok ? success(okText) : failure(`configuration refused: ${formatIssues(outcome.issues)}`);
}

const configArgs = obj({ required: { Dhcp4: anyObject() } });

/** What config-set/-test validate: the whole `{"Dhcp4": …}`, without the command's other keys. */
function configOf(args: { Dhcp4: Record<string, unknown> }): unknown {
  return { Dhcp4: args.Dhcp4 };
}

/** config-get, config-test, config-reload, config-set, config-write. */
export const configCommands: readonly Command[] = [
  defineCommand({
    name: 'config-get',
    summary: 'Returns the configuration in force as {"Dhcp4": …}, with its sha256 hash.',
    run: (_args, ctx) => {
      const json = ctx.api.configJson();
      const hash = createHash('sha256').update(JSON.stringify(json)).digest('hex').toUpperCase();
      return success('Configuration returned.', { ...(json as Record<string, unknown>), hash });
    },
  }),
  defineCommand({
    name: 'config-test',
    summary: 'Validates a configuration without applying it.',
    args: configArgs,
    run: (args, ctx) => outcomeResponse(ctx.api.testConfig(configOf(args)), 'Configuration seems sane.'),
  }),
  defineCommand({
    name: 'config-reload',
    summary: 'Re-reads the configuration file; a bad file is refused and the running config kept.',
    run: async (_args, ctx) => outcomeResponse(await ctx.api.reloadConfig(), 'Configuration successful.'),
  }),
  defineCommand({
    name: 'config-set',
    summary: 'Validates and applies a configuration atomically (not written to disk: see config-write).',
    args: configArgs,
    run: async (args, ctx) => outcomeResponse(await ctx.api.setConfig(configOf(args)), 'Configuration successful.'),
  }),
  defineCommand({
    name: 'config-write',
    summary: 'Writes the configuration in force to a file (default: the file it was read from).',
    args: obj({ optional: { filename: str({ min: 1 }) } }),
    run: async (args, ctx) => {
      const { path, size } = await ctx.api.writeConfig(args.filename);
      return success(`Configuration written to ${path} successful`, { filename: path, size });
    },
  }),
];
