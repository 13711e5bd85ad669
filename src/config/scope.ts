import type { Lifetime } from '../model/index.ts';
import { readOptionData } from './option-data.ts';
import type { OptionLevel } from './option-data.ts';
import type { ObjectReader } from './reader.ts';

/** The parameters a subnet inherits from the global level when it does not set them itself. */
export type ScopeParams = {
  validLifetime?: number;
  minValidLifetime?: number;
  maxValidLifetime?: number;
  renewTimer?: number;
  rebindTimer?: number;
  authoritative?: boolean;
  matchClientId?: boolean;
  offerDelayMs?: number;
  calculateTeeTimes?: boolean;
  t1Percent?: number;
  t2Percent?: number;
  options: OptionLevel;
};

export const DEFAULT_VALID_LIFETIME = 7200;
export const MAX_OFFER_DELAY_MS = 5000;

const RESERVATION_MODES = ['disabled', 'out-of-pool', 'global', 'all'];

/** Reads the inheritable keys of one level (Dhcp4 or a subnet). Missing keys stay undefined. */
export function readScope(r: ObjectReader): ScopeParams {
  const p: ScopeParams = { options: readOptionData(r) };
  const set = <K extends keyof ScopeParams>(key: K, v: ScopeParams[K] | undefined) => {
    if (v !== undefined) p[key] = v;
  };
  set('validLifetime', r.int('valid-lifetime'));
  set('minValidLifetime', r.int('min-valid-lifetime'));
  set('maxValidLifetime', r.int('max-valid-lifetime'));
  set('renewTimer', r.int('renew-timer'));
  set('rebindTimer', r.int('rebind-timer'));
  set('authoritative', r.bool('authoritative'));
  set('matchClientId', r.bool('match-client-id'));
  set('offerDelayMs', r.int('offer-delay-ms', 0, MAX_OFFER_DELAY_MS));
  set('calculateTeeTimes', r.bool('calculate-tee-times'));
  set('t1Percent', r.real('t1-percent', 0, 1));
  set('t2Percent', r.real('t2-percent', 0, 1));
  r.bool('reservations-global');
  r.bool('reservations-in-subnet');
  r.bool('reservations-out-of-pool');
  const mode = r.str('reservation-mode');
  if (mode !== undefined) {
    if (!RESERVATION_MODES.includes(mode)) {
      r.c.error(r.at('reservation-mode'), `must be one of ${RESERVATION_MODES.join(', ')}`);
    } else {
      r.c.warn(r.at('reservation-mode'), `'reservation-mode' is deprecated in Kea; tandem accepts it without effect`, 'key');
    }
  }
  if (p.t1Percent !== undefined && p.t2Percent !== undefined && p.t1Percent >= p.t2Percent) {
    r.c.error(r.at('t1-percent'), `t1-percent (${p.t1Percent}) must be less than t2-percent (${p.t2Percent})`);
  }
  return p;
}

/** Subnet values over global values over defaults, and the checks Kea makes on the result. */
export function resolveLifetimes(
  global: ScopeParams,
  local: ScopeParams,
  r: ObjectReader,
): { lifetime: Lifetime; renewTimer: number | null; rebindTimer: number | null } | undefined {
  const def = local.validLifetime ?? global.validLifetime ?? DEFAULT_VALID_LIFETIME;
  const min = local.minValidLifetime ?? global.minValidLifetime ?? def;
  const max = local.maxValidLifetime ?? global.maxValidLifetime ?? def;
  let ok = true;
  if (min > def) {
    r.c.error(r.path, `min-valid-lifetime (${min}) is greater than valid-lifetime (${def})`);
    ok = false;
  }
  if (def > max) {
    r.c.error(r.path, `valid-lifetime (${def}) is greater than max-valid-lifetime (${max})`);
    ok = false;
  }
  const renew = local.renewTimer ?? global.renewTimer ?? null;
  const rebind = local.rebindTimer ?? global.rebindTimer ?? null;
  if (renew !== null && rebind !== null && renew >= rebind) {
    r.c.warn(r.path, `renew-timer (${renew}) is not less than rebind-timer (${rebind}); clients will ignore T1`);
  }
  if (rebind !== null && rebind >= def) {
    r.c.warn(r.path, `rebind-timer (${rebind}) is not less than valid-lifetime (${def}); clients will ignore T2`);
  } else if (renew !== null && rebind === null && renew >= def) {
    r.c.warn(r.path, `renew-timer (${renew}) is not less than valid-lifetime (${def}); clients will ignore T1`);
  }
  const t1 = local.t1Percent ?? global.t1Percent;
  const t2 = local.t2Percent ?? global.t2Percent;
  const calc = local.calculateTeeTimes ?? global.calculateTeeTimes ?? false;
  if (calc && ((t1 !== undefined && t1 !== 0.5) || (t2 !== undefined && t2 !== 0.875))) {
    r.c.warn(r.path, `t1-percent/t2-percent other than 0.5/0.875 are not used by tandem yet; clients get 50 % / 87.5 %`);
  }
  return ok ? { lifetime: { default: def, min, max }, renewTimer: renew, rebindTimer: rebind } : undefined;
}
