import { HA_ORIGIN, PARTNER_COMMANDS } from '../../ha/index.ts';
import { obj, str, uint } from '../args.ts';
import type { Checked, Schema } from '../args.ts';
import { defineCommand, success } from '../registry.ts';
import type { Command } from '../registry.ts';
import { partnerArgs } from './ha.ts';

type DisableArgs = { 'max-period'?: number; origin?: string; 'origin-id'?: number };

/**
 * Kea's `origin` ("user", or "ha-partner" from the HA partner) and `origin-id`. A request from the
 * partner is checked with the partner protocol's own definition (R8), the rest with a plain schema.
 */
function originAware(plain: Schema<DisableArgs>, partner: Schema<{ maxPeriodSec?: number; originId: number }>): Schema<DisableArgs> {
  return {
    expected: plain.expected,
    check(value, path): Checked<DisableArgs> {
      const isPartner = typeof value === 'object' && value !== null && (value as Record<string, unknown>)['origin'] === HA_ORIGIN;
      if (!isPartner) return plain.check(value, path);
      const r = partner.check(value, path);
      if (!r.ok) return r;
      const out: DisableArgs = { origin: HA_ORIGIN, 'origin-id': r.value.originId };
      if (r.value.maxPeriodSec !== undefined) out['max-period'] = r.value.maxPeriodSec;
      return { ok: true, value: out };
    },
  };
}

const originKeys = { origin: str({ min: 1, max: 64 }), 'origin-id': uint() };

/** dhcp-disable (optional max-period, seconds) and dhcp-enable. */
export const serviceCommands: readonly Command[] = [
  defineCommand({
    name: 'dhcp-disable',
    summary: 'Stops answering DHCP (packets are dropped), for max-period seconds or until dhcp-enable.',
    args: originAware(obj({ optional: { 'max-period': uint({ min: 1 }), ...originKeys } }), partnerArgs(PARTNER_COMMANDS['dhcp-disable'])),
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
    args: originAware(obj({ optional: originKeys }), partnerArgs(PARTNER_COMMANDS['dhcp-enable'])),
    run: (args, ctx) => {
      ctx.api.setServing(true, { origin: args.origin ?? ctx.call.via });
      return success('DHCP service successfully enabled');
    },
  }),
];
