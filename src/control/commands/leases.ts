import { formatIp4 } from '../../util/index.ts';
import type { Ip4 } from '../../util/index.ts';
import { leaseToKeaJson, leaseVersion } from '../../model/index.ts';
import type { Lease4 } from '../../model/index.ts';
import { StoreConflictError } from '../../store/index.ts';
import type { LeaseStore } from '../../store/index.ts';
import { bool, hex, ipv4, list, obj, str, uint } from '../args.ts';
import { defineCommand, empty, failure, success } from '../registry.ts';
import type { Command } from '../registry.ts';
import type { ControlResponse } from '../types.ts';
import { leaseArgs, leaseFromArgs, leaseKeyArgs } from './lease-args.ts';
import type { LeaseKeyArgs } from './lease-args.ts';

const PAGE = 10_000;

/** Every lease, in address order, read page by page. */
async function allLeases(store: LeaseStore): Promise<Lease4[]> {
  const out: Lease4[] = [];
  let after: Ip4 | null = null;
  for (;;) {
    const page = await store.scan4(after, PAGE);
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page[page.length - 1]!.address;
  }
}

async function findByKey(store: LeaseStore, k: LeaseKeyArgs): Promise<Lease4 | null> {
  if (k['ip-address'] !== undefined) return store.get4(k['ip-address']);
  const query = k['identifier-type'] === 'hw-address'
    ? { subnetId: k['subnet-id']!, hwAddress: k.identifier! }
    : { subnetId: k['subnet-id']!, clientId: k.identifier! };
  return (await store.find4(query))[0] ?? null;
}

/** Kea's `{"leases": […]}` answer: 0 with the leases, or 3 when there are none. */
function leaseList(leases: readonly Lease4[], withCount = false): ControlResponse {
  const args: Record<string, unknown> = { leases: leases.map(leaseToKeaJson) };
  if (withCount) args['count'] = leases.length;
  const text = `${leases.length} IPv4 lease(s) found.`;
  return leases.length === 0 ? empty(text, args) : success(text, args);
}

const updateFailed = (address: Ip4) =>
  failure(`failed to update the lease with address ${formatIp4(address)} either because the lease has been deleted or it has changed in the database, in both cases a retry might succeed`);

/** Removes leases (compare-and-set against what was read), a batch at a time; returns how many went. */
async function removeAll(store: LeaseStore, leases: readonly Lease4[]): Promise<number> {
  let removed = 0;
  for (let i = 0; i < leases.length; i += 256) {
    const batch = leases.slice(i, i + 256);
    const results = await Promise.allSettled(batch.map((l) => store.remove4(l.address, leaseVersion(l))));
    for (const r of results) {
      if (r.status === 'fulfilled') removed++;
      else if (!(r.reason instanceof StoreConflictError)) throw r.reason;
    }
  }
  return removed;
}

/** lease4-* and leases-reclaim, in Kea's lease_cmds shapes. */
export const leaseCommands: readonly Command[] = [
  defineCommand({
    name: 'lease4-get',
    summary: 'Returns one lease: by ip-address, or by identifier-type (hw-address|client-id) + identifier + subnet-id.',
    args: leaseKeyArgs,
    run: async (args, ctx) => {
      const lease = await findByKey(ctx.api.store, args);
      return lease === null ? empty('Lease not found.') : success('IPv4 lease found.', { ...leaseToKeaJson(lease) });
    },
  }),
  defineCommand({
    name: 'lease4-get-all',
    summary: 'Returns every lease, or those of the listed subnets.',
    args: obj({ optional: { subnets: list(uint()) } }),
    run: async (args, ctx) => {
      const store = ctx.api.store;
      if (args.subnets === undefined) return leaseList(await allLeases(store));
      const leases: Lease4[] = [];
      for (const id of new Set(args.subnets)) leases.push(...await store.find4({ subnetId: id }));
      return leaseList(leases);
    },
  }),
  defineCommand({
    name: 'lease4-get-page',
    summary: 'Returns up to limit leases with addresses after from ("start" or an address).',
    args: obj({
      required: { from: str({ min: 1 }), limit: uint({ min: 1, max: 100_000 }) },
      refine: (v, path) => (v.from === 'start' || ipv4().check(v.from, '').ok
        ? [] : [{ path: `${path}.from`, message: `expected "start" or an IPv4 address, got ${JSON.stringify(v.from)}` }]),
    }),
    run: async (args, ctx) => {
      const after = args.from === 'start' ? null : (ipv4().check(args.from, '') as { value: Ip4 }).value;
      return leaseList(await ctx.api.store.scan4(after, args.limit), true);
    },
  }),
  defineCommand({
    name: 'lease4-get-by-hw-address',
    summary: 'Returns the leases of a hardware address, in every subnet.',
    args: obj({ required: { 'hw-address': hex({ max: 20 }) } }),
    run: async (args, ctx) => leaseList(await ctx.api.store.find4({ hwAddress: args['hw-address'] })),
  }),
  defineCommand({
    name: 'lease4-get-by-client-id',
    summary: 'Returns the leases of a client identifier, in every subnet.',
    args: obj({ required: { 'client-id': hex() } }),
    run: async (args, ctx) => leaseList(await ctx.api.store.find4({ clientId: args['client-id'] })),
  }),
  defineCommand({
    name: 'lease4-get-by-hostname',
    summary: 'Returns the leases with a hostname, in every subnet.',
    args: obj({ required: { hostname: str({ min: 1, max: 255 }) } }),
    run: async (args, ctx) => leaseList(await ctx.api.store.find4({ hostname: args.hostname })),
  }),
  defineCommand({
    name: 'lease4-add',
    summary: 'Adds a lease; refused when the address is leased already or outside every subnet.',
    args: leaseArgs,
    run: async (args, ctx) => {
      const built = leaseFromArgs(args, ctx.api.config(), ctx.now());
      if ('error' in built) return failure(built.error);
      const { lease } = built;
      try {
        await ctx.api.store.insert4(lease);
      } catch (error) {
        if (error instanceof StoreConflictError) return failure('IPv4 lease already exists.');
        throw error;
      }
      return success(`Lease for address ${formatIp4(lease.address)}, subnet-id ${lease.subnetId} added.`);
    },
  }),
  defineCommand({
    name: 'lease4-update',
    summary: 'Replaces a lease (compare-and-set); with force-create, adds it when missing.',
    args: leaseArgs,
    run: async (args, ctx) => {
      const built = leaseFromArgs(args, ctx.api.config(), ctx.now());
      if ('error' in built) return failure(built.error);
      const { lease } = built;
      const store = ctx.api.store;
      const existing = await store.get4(lease.address);
      try {
        if (existing === null) {
          if (args['force-create'] !== true) return updateFailed(lease.address);
          await store.insert4(lease);
          return success('IPv4 lease added.');
        }
        await store.update4(lease, leaseVersion(existing));
      } catch (error) {
        if (error instanceof StoreConflictError) return updateFailed(lease.address);
        throw error;
      }
      return success('IPv4 lease updated.');
    },
  }),
  defineCommand({
    name: 'lease4-del',
    summary: 'Deletes a lease: by ip-address, or by identifier-type + identifier + subnet-id.',
    args: leaseKeyArgs,
    run: async (args, ctx) => {
      const store = ctx.api.store;
      const lease = await findByKey(store, args);
      if (lease === null) return empty('IPv4 lease not found.');
      try {
        await store.remove4(lease.address, leaseVersion(lease));
      } catch (error) {
        if (error instanceof StoreConflictError) return failure(`lease ${formatIp4(lease.address)} changed while being deleted; retry`);
        throw error;
      }
      return success('IPv4 lease deleted.');
    },
  }),
  defineCommand({
    name: 'lease4-wipe',
    summary: 'Deletes every lease of a subnet, or of every subnet.',
    args: obj({ optional: { 'subnet-id': uint() } }),
    run: async (args, ctx) => {
      const store = ctx.api.store;
      const id = args['subnet-id'];
      let ids: number[];
      let leases: Lease4[];
      if (id === undefined || id === 0) {
        leases = await allLeases(store);
        ids = [...new Set([...ctx.api.config().subnets.map((s) => s.id), ...leases.map((l) => l.subnetId)])].sort((a, b) => a - b);
      } else {
        leases = await store.find4({ subnetId: id });
        ids = [id];
      }
      const removed = await removeAll(store, leases);
      const text = `Deleted ${removed} IPv4 lease(s) from subnet(s) ${ids.join(' ')}`;
      return removed === 0 ? empty(text) : success(text);
    },
  }),
  defineCommand({
    name: 'leases-reclaim',
    summary: 'Reclaims expired leases now; with remove, deletes them too.',
    args: obj({ required: { remove: bool() } }),
    run: async (args, ctx) => {
      const { reclaimed, removed } = await ctx.api.reclaimLeases(args.remove);
      return success(`Reclamation of expired leases is complete (${reclaimed} reclaimed, ${removed} removed).`);
    },
  }),
];
