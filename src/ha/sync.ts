import { formatIp4 } from '../util/index.ts';
import type { Ip4 } from '../util/index.ts';
import { RESULT, dhcpDisable, dhcpEnable, lease4GetPage, leasePageAnswer } from './commands.ts';
import type { CommandJson } from './commands.ts';
import type { PartnerLeaseChange } from './ha-api.ts';
import type { PartnerResult } from './partner-client.ts';

/**
 * Pulls every lease the partner holds, page by page (`lease4-get-page`, Kea's sync), and applies
 * each through `apply` (the service's applyPartnerLeases: newest cltt wins per address). With
 * `disablePartner`, the partner is asked to stop serving (`dhcp-disable` with a max-period, so a
 * crash of this server cannot leave it disabled) before each page and re-enabled at the end.
 */
export type SyncOptions = {
  readonly send: (command: CommandJson, opts?: { readonly timeoutMs?: number }) => Promise<PartnerResult>;
  readonly apply: (changes: readonly PartnerLeaseChange[]) => Promise<{ readonly failed: ReadonlyArray<{ readonly address: Ip4; readonly reason: string }> }>;
  readonly pageLimit: number;
  readonly pageTimeoutMs: number;
  readonly disablePartner: boolean;
  readonly originId: number;
  /** Stops between pages (the state moved on). */
  readonly cancelled?: () => boolean;
};

export type SyncResult =
  | { readonly ok: true; readonly leases: number; readonly pages: number; readonly failed: number }
  | { readonly ok: false; readonly error: string; readonly leases: number };

export async function syncFromPartner(opts: SyncOptions): Promise<SyncResult> {
  let leases = 0;
  let pages = 0;
  let failed = 0;
  const maxPeriodSec = Math.max(1, Math.ceil(opts.pageTimeoutMs / 1000));
  let disabled = false;
  try {
    let from = 'start';
    for (;;) {
      if (opts.cancelled?.() === true) return { ok: false, error: 'sync cancelled', leases };
      if (opts.disablePartner) {
        const r = await opts.send(dhcpDisable.build({ maxPeriodSec, originId: opts.originId }));
        if (!r.ok) return { ok: false, error: `dhcp-disable: ${r.error}`, leases };
        if (r.answer.result !== RESULT.SUCCESS) return { ok: false, error: `dhcp-disable: ${r.answer.text}`, leases };
        disabled = true;
      }
      const r = await opts.send(lease4GetPage.build({ from, limit: opts.pageLimit }), { timeoutMs: opts.pageTimeoutMs });
      if (!r.ok) return { ok: false, error: `lease4-get-page: ${r.error}`, leases };
      if (r.answer.result === RESULT.EMPTY) break;
      if (r.answer.result !== RESULT.SUCCESS) return { ok: false, error: `lease4-get-page: ${r.answer.text}`, leases };
      const page = leasePageAnswer.parse(r.answer.arguments);
      if (!page.ok) return { ok: false, error: `lease4-get-page: ${page.problem.path}: ${page.problem.message}`, leases };
      pages++;
      const got = page.value.leases;
      if (got.length > 0) {
        const applied = await opts.apply(got.map((lease) => ({ kind: 'update' as const, lease })));
        failed += applied.failed.length;
        leases += got.length;
      }
      if (got.length < opts.pageLimit) break;
      from = formatIp4(got[got.length - 1]!.address);
    }
    return { ok: true, leases, pages, failed };
  } finally {
    if (disabled) await opts.send(dhcpEnable.build({ originId: opts.originId }));
  }
}
