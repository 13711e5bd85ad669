import { obj, str, uint } from '../args.ts';
import { defineCommand, success } from '../registry.ts';
import type { Command } from '../registry.ts';

/** dhcp-disable (optional max-period, seconds) and dhcp-enable. */
export const serviceCommands: readonly Command[] = [
  defineCommand({
    name: 'dhcp-disable',
    summary: 'Stops answering DHCP (packets are dropped), for max-period seconds or until dhcp-enable.',
    args: obj({ optional: { 'max-period': uint({ min: 1 }), origin: str() } }),
    run: (args, ctx) => {
      const period = args['max-period'];
      ctx.api.setServing(false, {
        ...(period === undefined ? {} : { maxPeriodSec: period }),
        origin: args.origin ?? `${ctx.call.via}${ctx.call.user === null ? '' : `:${ctx.call.user}`}`,
      });
      return success(period === undefined ? 'DHCPv4 service disabled' : `DHCPv4 service disabled for ${period} seconds`);
    },
  }),
  defineCommand({
    name: 'dhcp-enable',
    summary: 'Resumes answering DHCP.',
    args: obj({ optional: { origin: str() } }),
    run: (args, ctx) => {
      ctx.api.setServing(true, { origin: args.origin ?? ctx.call.via });
      return success('DHCP service successfully enabled');
    },
  }),
];
