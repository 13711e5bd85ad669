import type { Ip4 } from '../util/index.ts';
import type { Lease4, Subnet4 } from '../model/index.ts';
import type { LeaseChange4, LeaseStore } from '../store/index.ts';
import type { AllocEngine4 } from '../alloc/index.ts';
import type { Stats } from '../obs/index.ts';

/**
 * Keeps Kea's per-subnet statistics current from the store's change stream:
 * `subnet[ID].total-addresses`, `subnet[ID].assigned-addresses`, `subnet[ID].declined-addresses`.
 */
export async function trackSubnetStats(store: LeaseStore, stats: Stats, engine: AllocEngine4,
  subnets: () => readonly Subnet4[]): Promise<{ refresh(): Promise<void>; close(): void }> {
  const weight = (lease: Lease4, kind: 'assigned' | 'declined') =>
    (kind === 'assigned' ? lease.state === 'default' : lease.state === 'declined') ? 1 : 0;
  const apply = (lease: Lease4, sign: number) => {
    stats.add(`subnet[${lease.subnetId}].assigned-addresses`, sign * weight(lease, 'assigned'));
    stats.add(`subnet[${lease.subnetId}].declined-addresses`, sign * weight(lease, 'declined'));
  };
  const onChange = (change: LeaseChange4) => {
    if (change.before !== null) apply(change.before, -1);
    if (change.kind !== 'remove') apply(change.lease, +1);
  };
  async function refresh() {
    const counts = new Map<number, { assigned: number; declined: number }>();
    for (const s of subnets()) counts.set(s.id, { assigned: 0, declined: 0 });
    let after: Ip4 | null = null;
    for (;;) {
      const page = await store.scan4(after, 10_000);
      for (const lease of page) {
        const c = counts.get(lease.subnetId) ?? { assigned: 0, declined: 0 };
        c.assigned += weight(lease, 'assigned');
        c.declined += weight(lease, 'declined');
        counts.set(lease.subnetId, c);
      }
      if (page.length < 10_000) break;
      after = page[page.length - 1]!.address;
    }
    for (const [id, c] of counts) {
      stats.set(`subnet[${id}].total-addresses`, engine.poolCounts(id).total);
      stats.set(`subnet[${id}].assigned-addresses`, c.assigned);
      stats.set(`subnet[${id}].declined-addresses`, c.declined);
    }
  }
  await refresh();
  const unsubscribe = store.onChange(onChange);
  return { refresh, close: unsubscribe };
}
