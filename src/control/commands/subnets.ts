import { formatIp4 } from '../../util/index.ts';
import type { Subnet4 } from '../../model/index.ts';
import { obj, str, uint } from '../args.ts';
import { defineCommand, empty, success } from '../registry.ts';
import type { Command } from '../registry.ts';
import { editableConfig, normalisePrefix } from './config-json.ts';

const prefixOf = (s: Subnet4): string => `${formatIp4(s.network)}/${s.prefixLength}`;

/** subnet4-list and subnet4-get, in Kea's subnet_cmds shapes, read from the config in force. */
export const subnetCommands: readonly Command[] = [
  defineCommand({
    name: 'subnet4-list',
    summary: 'Lists the configured subnets: id and prefix.',
    run: (_args, ctx) => {
      const subnets = ctx.api.config().subnets.map((s) => ({
        id: s.id, subnet: prefixOf(s),
      }));
      const text = `${subnets.length} IPv4 subnet(s) found`;
      return subnets.length === 0 ? empty(text, { subnets }) : success(text, { subnets });
    },
  }),
  defineCommand({
    name: 'subnet4-get',
    summary: 'Returns one subnet as configured: by id or by subnet (prefix).',
    args: obj({
      optional: { id: uint({ min: 1 }), subnet: str({ min: 1 }) },
      refine: (v, path) => {
        if ((v.id === undefined) === (v.subnet === undefined)) return [{ path, message: 'expected exactly one of id and subnet' }];
        if (v.subnet !== undefined && normalisePrefix(v.subnet) === null) {
          return [{ path: `${path}.subnet`, message: `expected a prefix like 192.0.2.0/24, got ${JSON.stringify(v.subnet)}` }];
        }
        return [];
      },
    }),
    run: (args, ctx) => {
      const live = ctx.api.config().subnets;
      const wanted = args.subnet === undefined ? null : normalisePrefix(args.subnet);
      const found = editableConfig(ctx.api.configJson()).subnets.find(({ json }) => (args.id !== undefined
        ? json['id'] === args.id
        : normalisePrefix(json['subnet']) === wanted));
      if (found === undefined) {
        return empty(args.id !== undefined ? `No subnet with id ${args.id} found` : `No ${args.subnet} subnet found`);
      }
      const id = found.json['id'] ?? live.find((s) => prefixOf(s) === normalisePrefix(found.json['subnet']))?.id;
      return success(`Info about IPv4 subnet ${String(found.json['subnet'])} (id ${String(id)}) returned`, {
        subnet4: [{ ...found.json, ...(id === undefined ? {} : { id }) }],
      });
    },
  }),
];
