import { formatIp4 } from '../../util/index.ts';
import { HA_ORIGIN, PARTNER_COMMANDS, RESULT, bulkApplyAnswer } from '../../ha/index.ts';
import type { FailedLease, HaApi, Parsed, PartnerCommand, PartnerLeaseChange } from '../../ha/index.ts';
import type { Lease4 } from '../../model/index.ts';
import { list, obj, str, uint } from '../args.ts';
import type { Checked, Schema } from '../args.ts';
import { defineCommand, failure, success } from '../registry.ts';
import type { Command, CommandContext } from '../registry.ts';
import type { ControlResponse } from '../types.ts';
import { ControlResult } from '../types.ts';

/**
 * The HA commands (Kea's libdhcp_ha names and shapes, plus tandem's ha-partner-down and
 * lease4-bulk-apply). Partner-facing ones are validated with the very definitions the partner
 * client builds them from (ha/commands.ts PARTNER_COMMANDS, R8). Every one answers result 2 when
 * this server has no HA relationship, as Kea does when the HA hook is not loaded.
 */

/** Adapts a partner command definition to the control API's schema type (arguments only). */
export function partnerArgs<A>(def: PartnerCommand<A>): Schema<A> {
  return {
    expected: `${def.name} arguments`,
    check(value): Checked<A> {
      const r: Parsed<A> = def.parse(value, { argsOnly: true });
      return r.ok ? { ok: true, value: r.value } : { ok: false, problems: [{ path: r.problem.path, message: r.problem.message }] };
    },
  };
}

const notConfigured = (name: string): ControlResponse => ({
  result: ControlResult.UNSUPPORTED,
  text: `'${name}' command not supported: no high-availability relationship is configured on this server.`,
});

/** Runs `run` with the HA service, or answers result 2 without one. */
function withHa<A>(name: string, run: (ha: HaApi, args: A, ctx: CommandContext) => ControlResponse | Promise<ControlResponse>) {
  return (args: A, ctx: CommandContext): ControlResponse | Promise<ControlResponse> => {
    const ha = ctx.api.ha ?? null;
    return ha === null ? notConfigured(name) : run(ha, args, ctx);
  };
}

const outcome = (r: { readonly ok: boolean; readonly text: string }): ControlResponse => (r.ok ? success(r.text) : failure(r.text));

/** Applies partner lease changes; failures become Kea's `failed-leases` (result 3, as docs/ha.md says). */
async function applyPartner(ha: HaApi, changes: readonly PartnerLeaseChange[], okText: string): Promise<ControlResponse> {
  const { failed } = await ha.applyPartnerLeases(changes);
  if (failed.length === 0) return success(okText);
  const list: FailedLease[] = failed.map((f) => ({ ipAddress: formatIp4(f.address), result: f.conflict ? RESULT.CONFLICT : RESULT.ERROR, errorMessage: f.reason }));
  return { result: ControlResult.EMPTY, text: `${failed.length} of ${changes.length} lease change(s) failed.`, arguments: bulkApplyAnswer.build(list) };
}

// Kea's ha-heartbeat (2.2) carries no arguments; tandem's names the sender. Both are accepted.
const heartbeatArgs: Schema<unknown> = {
  expected: 'ha-heartbeat arguments',
  check: (value, path) => (value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0)
    ? { ok: true, value: null }
    : partnerArgs(PARTNER_COMMANDS['ha-heartbeat']).check(value, path)),
};

export const haCommands: readonly Command[] = [
  {
    // Not via defineCommand: that turns missing arguments into {}, and Kea sends none.
    name: 'ha-heartbeat',
    summary: "HA partner: returns this server's HA state, time, scopes and unsent updates.",
    check: (args) => heartbeatArgs.check(args, 'arguments'),
    run: async (_args, ctx) => withHa<unknown>('ha-heartbeat', (ha) => success('HA peer status returned.', ha.heartbeat()))(null, ctx),
  },
  defineCommand({
    name: 'ha-sync-complete-notify',
    summary: 'HA partner: the partner finished fetching our leases (we may serve again).',
    args: partnerArgs(PARTNER_COMMANDS['ha-sync-complete-notify']),
    run: withHa('ha-sync-complete-notify', (ha) => {
      ha.syncCompleteNotify(HA_ORIGIN);
      return success('Server successfully notified about the synchronization completion.');
    }),
  }),
  defineCommand({
    name: 'ha-reset',
    summary: 'Puts the HA state machine back in waiting (it then resynchronises).',
    args: obj({ optional: { 'server-name': str({ min: 1 }) } }),
    run: withHa('ha-reset', (ha) => { ha.reset(); return success('HA state machine reset.'); }),
  }),
  defineCommand({
    name: 'ha-maintenance-start',
    summary: 'Operator: the partner takes over (partner-in-maintenance) so this server can be shut down.',
    run: withHa('ha-maintenance-start', async (ha) => outcome(await ha.maintenanceStart())),
  }),
  defineCommand({
    name: 'ha-maintenance-cancel',
    summary: 'Operator: cancels ha-maintenance-start; both servers return to normal.',
    run: withHa('ha-maintenance-cancel', async (ha) => outcome(await ha.maintenanceCancel())),
  }),
  defineCommand({
    name: 'ha-maintenance-notify',
    summary: 'HA partner: enter (or, with cancel, leave) in-maintenance.',
    args: partnerArgs(PARTNER_COMMANDS['ha-maintenance-notify']),
    run: withHa('ha-maintenance-notify', (ha, args) => outcome(ha.maintenanceNotify(args.cancel))),
  }),
  defineCommand({
    name: 'ha-continue',
    summary: 'Resumes a paused HA state machine; leaves terminated once the clocks agree.',
    run: withHa('ha-continue', (ha) => outcome(ha.continue())),
  }),
  defineCommand({
    name: 'ha-scopes',
    summary: 'Serves the named scopes (server names) from now on.',
    args: obj({ required: { scopes: list(str({ min: 1, max: 64 }), { max: 2 }) } }),
    run: withHa('ha-scopes', (ha, args) => outcome(ha.setScopes(args.scopes))),
  }),
  defineCommand({
    name: 'ha-sync',
    summary: "Fetches the partner's leases now (paged), newest client-last-transaction winning.",
    args: obj({ optional: { 'server-name': str({ min: 1 }), 'max-period': uint({ min: 1 }) } }),
    run: withHa('ha-sync', async (ha) => {
      const r = await ha.sync();
      return r.ok ? success(r.text, { leases: r.leases }) : failure(r.text);
    }),
  }),
  defineCommand({
    name: 'ha-partner-down',
    summary: 'Operator (tandem): the partner is known to be down; serve every client now.',
    run: withHa('ha-partner-down', (ha) => outcome(ha.partnerDown())),
  }),
  defineCommand({
    name: 'ha-config-push',
    summary: "HA partner (tandem): the primary's shared config, merged with this server's own settings and applied atomically.",
    args: partnerArgs(PARTNER_COMMANDS['ha-config-push']),
    run: withHa('ha-config-push', async (ha, args) => {
      const r = await ha.configPush(args);
      return r.ok ? success(r.text, { 'config-hash': r.configHash }) : failure(r.text);
    }),
  }),
  defineCommand({
    name: 'lease4-bulk-apply',
    summary: 'HA partner (tandem): applies a batch of leases and deleted leases.',
    args: partnerArgs(PARTNER_COMMANDS['lease4-bulk-apply']),
    run: withHa('lease4-bulk-apply', (ha, args) => applyPartner(ha, [
      ...args.leases.map((lease): PartnerLeaseChange => ({ kind: 'update', lease })),
      ...args.deletedLeases.map((l): PartnerLeaseChange => ({ kind: 'delete', address: l.address })),
    ], 'Bulk apply of IPv4 leases completed.')),
  }),
];

/** The names accepted on a restricted HA listener besides read-only ones (Kea's restrict-commands). */
export const HA_COMMAND_NAMES: readonly string[] = [
  ...haCommands.map((c) => c.name), 'lease4-update', 'lease4-del', 'lease4-get-page', 'dhcp-disable', 'dhcp-enable',
];

type Routed = { readonly partner: true; readonly lease: Lease4; readonly raw: unknown } | { readonly partner: false; readonly value: unknown };

const fromPartner = (args: unknown): boolean =>
  typeof args === 'object' && args !== null && (args as Record<string, unknown>)['origin'] === HA_ORIGIN;

/**
 * lease4-update / lease4-del with `origin: "ha-partner"`: a change the partner made, checked with
 * the partner definition and handed to the HA service (newest cltt wins; never echoed back).
 * Without an HA service, or without that origin, the ordinary command runs.
 */
export function routePartnerOrigin(command: Command): Command {
  const kind = command.name === 'lease4-update' ? 'update' : command.name === 'lease4-del' ? 'delete' : null;
  if (kind === null) return command;
  const def = PARTNER_COMMANDS[command.name as 'lease4-update' | 'lease4-del'];
  const schema = partnerArgs(def);
  return {
    name: command.name,
    summary: `${command.summary} With origin "${HA_ORIGIN}", a change from the HA partner.`,
    check(args): Checked<unknown> {
      if (!fromPartner(args)) {
        const r = command.check(args);
        return r.ok ? { ok: true, value: { partner: false, value: r.value } satisfies Routed } : r;
      }
      const r = schema.check(args, 'arguments');
      return r.ok ? { ok: true, value: { partner: true, lease: r.value.lease, raw: args } satisfies Routed } : r;
    },
    async run(args, ctx) {
      const routed = args as Routed;
      if (!routed.partner) return command.run(routed.value, ctx);
      const ha = ctx.api.ha ?? null;
      if (ha === null) {
        const plain = command.check(routed.raw);
        return plain.ok ? command.run(plain.value, ctx) : failure(plain.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
      }
      const change: PartnerLeaseChange = kind === 'update' ? { kind, lease: routed.lease } : { kind, address: routed.lease.address };
      const { failed } = await ha.applyPartnerLeases([change]);
      const f = failed[0];
      if (f !== undefined) {
        return f.conflict ? { result: ControlResult.CONFLICT, text: `lease ${formatIp4(f.address)}: ${f.reason}` } : failure(`lease ${formatIp4(f.address)}: ${f.reason}`);
      }
      return success(kind === 'update' ? 'IPv4 lease updated.' : 'IPv4 lease deleted.');
    },
  };
}
