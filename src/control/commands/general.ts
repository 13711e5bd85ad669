import { defineCommand, success } from '../registry.ts';
import type { Command } from '../registry.ts';
import type { ControlResponse } from '../types.ts';
import { ControlResult } from '../types.ts';

/** list-commands, version-get, status-get, shutdown. */
export const generalCommands: readonly Command[] = [
  defineCommand({
    name: 'list-commands',
    summary: 'Lists the commands this server supports.',
    // Kea answers with a list as `arguments`; the response type keeps arguments an object for
    // every other command, so this one row says so explicitly.
    run: (_args, ctx): ControlResponse => ({
      result: ControlResult.SUCCESS, text: `${ctx.commands().length} commands supported.`,
      arguments: [...ctx.commands()] as unknown as Record<string, unknown>,
    }),
  }),
  defineCommand({
    name: 'version-get',
    summary: 'Returns the server version.',
    run: (_args, ctx) => success(`tandem ${ctx.api.version}`, {
      extended: `tandem ${ctx.api.version}\nnode ${process.version}\n${process.platform} ${process.arch}`,
    }),
  }),
  defineCommand({
    name: 'status-get',
    summary: 'Returns pid, uptime, seconds since the last config load, and whether DHCP is served.',
    run: (_args, ctx) => {
      const now = ctx.now();
      const serving = ctx.api.serving();
      return success(serving ? 'Server is serving.' : 'Server is running; DHCP service is disabled.', {
        pid: process.pid,
        uptime: Math.max(0, Math.floor(now - ctx.api.startedAt)),
        reload: Math.max(0, Math.floor(now - ctx.api.lastConfigAt())),
        'multi-threading-enabled': false,
        'dhcp-state': serving ? 'serving' : 'disabled',
        serving,
        version: ctx.api.version,
        // Kea's shape: a list with one entry per relationship.
        ...(ctx.api.ha == null ? {} : { 'high-availability': [ctx.api.ha.status()] }),
      });
    },
  }),
  defineCommand({
    name: 'shutdown',
    summary: 'Stops the server after in-flight exchanges finish.',
    run: (_args, ctx) => {
      // Answer first; the server stops on the next turn of the event loop.
      setImmediate(() => ctx.api.shutdown());
      return success('Shutting down.');
    },
  }),
];
