import { formatHex, formatIp4, parseHex, parseIp4 } from '../../util/index.ts';
import { bool, hex, ipv4, isPlainObject, obj, oneOf, str, uint } from '../args.ts';
import type { ArgProblem, Infer } from '../args.ts';
import { defineCommand, empty, failure, success } from '../registry.ts';
import type { Command, CommandContext } from '../registry.ts';
import type { ControlResponse } from '../types.ts';
import { editableConfig } from './config-json.ts';
import type { SubnetEntry } from './config-json.ts';
import { formatIssues } from './config.ts';

/**
 * Reservations live in the config (`Dhcp4.subnet4[].reservations`), so these commands edit a copy
 * of the config JSON and apply it with setConfig: validated like any config, swapped atomically or
 * not at all. The shapes are Kea's host_cmds ones. `persist: true` (tandem's) also writes the
 * config file (config-write), so the change survives a restart.
 */

const IDENTIFIERS = ['hw-address', 'client-id'] as const;
type IdentifierType = (typeof IDENTIFIERS)[number];

const oneIdentifier = (v: Partial<Record<IdentifierType, string>>, path: string): ArgProblem[] => {
  const given = IDENTIFIERS.filter((k) => v[k] !== undefined);
  return given.length === 1 ? [] : [{ path, message: `expected exactly one identifier (${IDENTIFIERS.join(' or ')}), got ${given.length}` }];
};

const reservationArgs = obj({
  required: {
    reservation: obj({
      required: { 'subnet-id': uint({ min: 1 }) },
      optional: { 'hw-address': hex({ max: 20 }), 'client-id': hex(), 'ip-address': ipv4(), hostname: str({ max: 255 }) },
      keepUnknown: true,
      refine: oneIdentifier,
    }),
  },
  optional: { persist: bool() },
});

/** reservation-get / -del: subnet-id + (identifier-type + identifier | ip-address). */
const hostKeyArgs = obj({
  required: { 'subnet-id': uint({ min: 1 }) },
  optional: { 'identifier-type': oneOf(IDENTIFIERS), identifier: hex({ max: 255 }), 'ip-address': ipv4(), persist: bool() },
  refine: (v, path): ArgProblem[] => {
    if (v['ip-address'] !== undefined) return [];
    const missing = (['identifier-type', 'identifier'] as const).filter((k) => v[k] === undefined);
    if (missing.length === 2) return [{ path, message: 'expected identifier-type + identifier, or ip-address' }];
    return missing.map((k) => ({ path: `${path}.${k}`, message: 'required when ip-address is not given' }));
  },
});
type HostKey = Infer<typeof hostKeyArgs>;

const normHex = (v: unknown): string | null => {
  const bytes = typeof v === 'string' ? parseHex(v) : null;
  return bytes === null ? null : formatHex(bytes);
};
const normIp = (v: unknown): number | null => (typeof v === 'string' ? parseIp4(v) : null);

function reservationsOf(subnet: SubnetEntry): Record<string, unknown>[] {
  const list = subnet.json['reservations'];
  return Array.isArray(list) ? list.filter(isPlainObject) : [];
}

function matches(r: Record<string, unknown>, key: HostKey): boolean {
  if (key['ip-address'] !== undefined) return normIp(r['ip-address']) === key['ip-address'];
  const type = key['identifier-type']!;
  return normHex(r[type]) === key.identifier;
}

function findSubnet(subnets: readonly SubnetEntry[], id: number): SubnetEntry | undefined {
  return subnets.find((s) => s.json['id'] === id);
}

/** A reservation as Kea's host_cmds shows it: the configured entry plus its subnet-id. */
const hostJson = (r: Record<string, unknown>, subnetId: number) => ({ ...r, 'subnet-id': subnetId });

async function apply(ctx: CommandContext, root: unknown, persist: boolean | undefined, okText: string): Promise<ControlResponse> {
  const outcome = await ctx.api.setConfig(root);
  if (!outcome.ok) return failure(`configuration refused: ${formatIssues(outcome.issues)}`);
  if (persist === true) {
    const { path } = await ctx.api.writeConfig();
    return success(`${okText} Configuration written to ${path}.`);
  }
  return success(okText);
}

const noSubnet = (id: number) => failure(`IPv4 subnet with ID ${id} not found`);

export const reservationCommands: readonly Command[] = [
  defineCommand({
    name: 'reservation-add',
    summary: 'Adds a reservation to a subnet of the running config (validated, atomic).',
    args: reservationArgs,
    run: async (args, ctx) => {
      const { reservation: r } = args;
      const { root, subnets } = editableConfig(ctx.api.configJson());
      const id = r['subnet-id'];
      const subnet = findSubnet(subnets, id);
      if (subnet === undefined) return noSubnet(id);
      const type: IdentifierType = r['hw-address'] !== undefined ? 'hw-address' : 'client-id';
      const existing = reservationsOf(subnet);
      if (existing.some((e) => matches(e, { 'subnet-id': id, 'identifier-type': type, identifier: r[type]! }))) {
        return failure(`Host already exists: a reservation for ${type} ${r[type]!} is in subnet ${id}.`);
      }
      if (r['ip-address'] !== undefined && existing.some((e) => normIp(e['ip-address']) === r['ip-address'])) {
        return failure(`Host already exists: ${formatIp4(r['ip-address'])} is reserved in subnet ${id}.`);
      }
      // Keep what the caller sent (option-data, client-classes … are validated by the config
      // parser), with the identifier normalised and without subnet-id, which the location implies.
      const raw: Record<string, unknown> = { ...(r as Record<string, unknown>), [type]: r[type]! };
      delete raw['subnet-id'];
      if (r['ip-address'] !== undefined) raw['ip-address'] = formatIp4(r['ip-address']);
      subnet.json['reservations'] = [...(Array.isArray(subnet.json['reservations']) ? subnet.json['reservations'] : []), raw];
      return apply(ctx, root, args.persist, 'Host added.');
    },
  }),
  defineCommand({
    name: 'reservation-get',
    summary: 'Returns a reservation: subnet-id + identifier-type + identifier, or subnet-id + ip-address.',
    args: hostKeyArgs,
    run: (args, ctx) => {
      const subnet = findSubnet(editableConfig(ctx.api.configJson()).subnets, args['subnet-id']);
      if (subnet === undefined) return noSubnet(args['subnet-id']);
      const found = reservationsOf(subnet).find((r) => matches(r, args));
      return found === undefined ? empty('Host not found.') : success('Host found.', hostJson(found, args['subnet-id']));
    },
  }),
  defineCommand({
    name: 'reservation-get-all',
    summary: 'Returns every reservation of a subnet.',
    args: obj({ required: { 'subnet-id': uint({ min: 1 }) } }),
    run: (args, ctx) => {
      const id = args['subnet-id'];
      const subnet = findSubnet(editableConfig(ctx.api.configJson()).subnets, id);
      if (subnet === undefined) return noSubnet(id);
      const hosts = reservationsOf(subnet).map((r) => hostJson(r, id));
      const text = `${hosts.length} IPv4 host(s) found.`;
      return hosts.length === 0 ? empty(text, { hosts }) : success(text, { hosts });
    },
  }),
  defineCommand({
    name: 'reservation-del',
    summary: 'Deletes a reservation from the running config (validated, atomic).',
    args: hostKeyArgs,
    run: async (args, ctx) => {
      const { root, subnets } = editableConfig(ctx.api.configJson());
      const subnet = findSubnet(subnets, args['subnet-id']);
      if (subnet === undefined) return noSubnet(args['subnet-id']);
      const list = Array.isArray(subnet.json['reservations']) ? subnet.json['reservations'] as unknown[] : [];
      const index = list.findIndex((r) => isPlainObject(r) && matches(r, args));
      if (index < 0) return empty('Host not deleted (not found).');
      subnet.json['reservations'] = list.filter((_, i) => i !== index);
      return apply(ctx, root, args.persist, 'Host deleted.');
    },
  }),
];
