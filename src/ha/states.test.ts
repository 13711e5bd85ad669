import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertNever } from '../util/index.ts';
import type { HaMode, HaRole } from '../model/index.ts';
import { HA_STATES, NO_FACTS, allocationPolicy, decide, normalState, servedScopes, servesDhcp } from './states.ts';
import type { HaDecideConfig, HaEffect, HaFacts, HaState, PartnerView } from './states.ts';

const CONFIG: HaDecideConfig = {
  mode: 'load-balancing', maxResponseDelayMs: 60_000, maxUnackedClients: 10, maxRejectedLeaseUpdates: 10,
  syncLeases: true, mcltSec: 3600, stateSwitchoverIntervalSec: null, clockSkewWarnSec: 30, clockSkewTerminateSec: 60,
};
const PARTNER_VIEWS: readonly PartnerView[] = [...HA_STATES, 'unavailable'];
const ROLES: Record<HaMode, readonly HaRole[]> = { 'load-balancing': ['primary', 'secondary'], 'hot-standby': ['primary', 'standby'] };
const MODES: readonly HaMode[] = ['load-balancing', 'hot-standby'];

/** Expected next state: a state, 'N' (the mode's normal state) or 'stay'; or split by primary/other. */
type Tok = HaState | 'N' | 'stay';
type Expect = Tok | { readonly primary: Tok; readonly other: Tok };
/** Partner keys: N / X stand for the mode's normal state and the other mode's normal state. */
type Row = Partial<Record<Exclude<PartnerView, 'load-balancing' | 'hot-standby'> | 'N' | 'X', Expect>>;

// The transition table with the partner reachable and no events (Kea's ha_service_unittest style).
// Cells not listed: the server stays where it is.
const WAITING: Row = {
  waiting: { primary: 'syncing', other: 'stay' }, ready: 'syncing', N: 'syncing', X: 'syncing',
  'communication-recovery': 'syncing', 'partner-down': 'syncing', 'partner-in-maintenance': 'syncing', 'in-maintenance': 'syncing',
};
const READY: Row = {
  N: 'N', 'communication-recovery': 'N', ready: { primary: 'N', other: 'stay' },
  'in-maintenance': 'partner-in-maintenance', 'partner-in-maintenance': 'in-maintenance',
};
const NORMAL: Row = {
  X: 'waiting', terminated: 'terminated', 'partner-down': 'waiting',
  'in-maintenance': 'partner-in-maintenance', 'partner-in-maintenance': 'in-maintenance',
};
const RECOVERY: Row = { X: 'waiting', 'partner-down': 'waiting', terminated: 'terminated' };
// partner-down + partner ready: stay, pulling the partner's leases first (scenario below).
const PARTNER_DOWN: Row = {
  N: 'waiting', X: 'waiting', 'communication-recovery': 'waiting',
  'partner-down': { primary: 'stay', other: 'waiting' }, 'partner-in-maintenance': 'waiting', backup: 'waiting',
};
const PARTNER_IN_MAINTENANCE: Row = { waiting: 'N', syncing: 'N', ready: 'N', unavailable: 'partner-down' };

/** One row per state; a new HaState fails to compile here. */
function rowFor(me: HaState, mode: HaMode): Row | 'all-waiting' {
  switch (me) {
    case 'waiting': return WAITING;
    case 'syncing': return {};
    case 'ready': return READY;
    case 'load-balancing': case 'hot-standby': return me === normalState(mode) ? NORMAL : 'all-waiting';
    case 'communication-recovery': return RECOVERY;
    case 'partner-down': return PARTNER_DOWN;
    case 'partner-in-maintenance': return PARTNER_IN_MAINTENANCE;
    case 'in-maintenance': return {};
    case 'terminated': return {};
    case 'backup': return 'all-waiting';
    default: return assertNever(me);
  }
}

function expected(me: HaState, partner: PartnerView, mode: HaMode, role: HaRole): HaState {
  const row = rowFor(me, mode);
  if (row === 'all-waiting') return 'waiting';
  const normal = normalState(mode);
  const key = partner === normal ? 'N' : partner === 'load-balancing' || partner === 'hot-standby' ? 'X' : partner;
  const cell = row[key] ?? 'stay';
  const tok = typeof cell === 'string' ? cell : role === 'primary' ? cell.primary : cell.other;
  return tok === 'stay' ? me : tok === 'N' ? normal : tok;
}

const facts = (f: Partial<HaFacts> = {}): HaFacts => ({ ...NO_FACTS, ...f });
const next = (me: HaState, partner: PartnerView, f: Partial<HaFacts> = {}, c: Partial<HaDecideConfig> = {}, role: HaRole = 'primary') =>
  decide({ me, partner, facts: facts(f), config: { ...CONFIG, ...c }, role }).next;

describe('decide: the exhaustive table (mode × role × me × partner)', () => {
  for (const mode of MODES) {
    for (const role of ROLES[mode]) {
      it(`${mode} ${role}: partner reachable, no events`, () => {
        for (const me of HA_STATES) {
          for (const partner of PARTNER_VIEWS) {
            const got = next(me, partner, {}, { mode }, role);
            assert.equal(got, expected(me, partner, mode, role), `${me} + partner ${partner}`);
          }
        }
      });
      it(`${mode} ${role}: clock skew 90 s terminates every state; reset brings terminated back once clocks agree`, () => {
        for (const me of HA_STATES) {
          for (const partner of PARTNER_VIEWS) {
            const want = me === 'backup' ? 'waiting' : 'terminated';
            assert.equal(next(me, partner, { clockSkewSec: 90 }, { mode }, role), want, `${me} + ${partner}`);
            if (me === 'terminated') {
              assert.equal(next(me, partner, { clockSkewSec: 90, resetRequested: true }, { mode }, role), 'terminated');
              assert.equal(next(me, partner, { clockSkewSec: 2, resetRequested: true }, { mode }, role), 'waiting');
            }
          }
        }
      });
      it(`${mode} ${role}: partner unavailable but within max-response-delay: nobody moves`, () => {
        for (const me of HA_STATES) {
          const want = me === 'backup' ? 'waiting' : me === 'partner-in-maintenance' ? 'partner-down' : expected(me, 'unavailable', mode, role);
          assert.equal(next(me, 'unavailable', { sinceContactMs: 59_000, interruptedForMs: 59_000 }, { mode }, role), want, me);
        }
      });
      it(`${mode} ${role}: interrupted without evidence`, () => {
        const f = { sinceContactMs: 61_000, interruptedForMs: 61_000 };
        const want: Record<HaState, HaState> = {
          waiting: 'partner-down', syncing: 'partner-down', ready: 'partner-down',
          'load-balancing': mode === 'load-balancing' ? 'communication-recovery' : 'waiting',
          'hot-standby': mode === 'hot-standby' ? 'communication-recovery' : 'waiting',
          'communication-recovery': 'communication-recovery', 'partner-down': 'partner-down',
          'partner-in-maintenance': 'partner-down', 'in-maintenance': 'in-maintenance', terminated: 'terminated', backup: 'waiting',
        } satisfies Record<HaState, HaState>;
        for (const me of HA_STATES) assert.equal(next(me, 'unavailable', f, { mode }, role), want[me], me);
      });
      it(`${mode} ${role}: interrupted with evidence, command or switchover → partner-down`, () => {
        const base = { sinceContactMs: 61_000, interruptedForMs: 61_000 };
        for (const me of ['load-balancing', 'hot-standby', 'communication-recovery'] as const) {
          if (me !== 'communication-recovery' && me !== normalState(mode)) continue;
          assert.equal(next(me, 'unavailable', { ...base, unackedClients: 11 }, { mode }, role), 'partner-down');
          assert.equal(next(me, 'unavailable', { ...base, unackedClients: 10 }, { mode }, role), 'communication-recovery');
          assert.equal(next(me, 'unavailable', { partnerDownCommand: true }, { mode }, role), 'partner-down');
          assert.equal(next(me, 'unavailable', { ...base, interruptedForMs: 300_000 }, { mode, stateSwitchoverIntervalSec: 300 }, role), 'partner-down');
          assert.equal(next(me, 'unavailable', base, { mode, maxUnackedClients: 0 }, role), 'partner-down');
        }
      });
    }
  }
  it('a backup stays a backup whatever happens', () => {
    for (const me of HA_STATES) for (const partner of PARTNER_VIEWS) {
      assert.equal(next(me, partner, { clockSkewSec: 500 }, {}, 'backup'), 'backup');
    }
  });
  it('the partner-down command is refused while the partner answers', () => {
    assert.equal(next('load-balancing', 'load-balancing', { partnerDownCommand: true }), 'load-balancing');
  });
});

describe('servesDhcp, servedScopes and allocationPolicy', () => {
  it('serving states and scopes', () => {
    const serves = HA_STATES.filter(servesDhcp);
    assert.deepEqual(serves, ['load-balancing', 'hot-standby', 'communication-recovery', 'partner-down', 'partner-in-maintenance', 'terminated']);
    assert.equal(servedScopes('load-balancing', 'secondary', 'load-balancing'), 'own');
    assert.equal(servedScopes('hot-standby', 'primary', 'hot-standby'), 'own');
    assert.equal(servedScopes('hot-standby', 'standby', 'hot-standby'), 'none');
    assert.equal(servedScopes('hot-standby', 'standby', 'communication-recovery'), 'none');
    assert.equal(servedScopes('hot-standby', 'standby', 'partner-down'), 'all');
    assert.equal(servedScopes('load-balancing', 'primary', 'partner-down', { autoFailover: false }), 'own');
    assert.equal(servedScopes('load-balancing', 'primary', 'partner-in-maintenance'), 'all');
    for (const s of HA_STATES) if (!servesDhcp(s)) assert.equal(servedScopes('load-balancing', 'primary', s), 'none');
  });
  it('interrupted: own free addresses only, MCLT cap', () => {
    assert.deepEqual(allocationPolicy('communication-recovery', NO_FACTS, 3600), { fromOwnOnly: true, mcltCap: true, partnerAddressesUsable: false });
    assert.deepEqual(allocationPolicy('load-balancing', NO_FACTS, 3600), { fromOwnOnly: true, mcltCap: false, partnerAddressesUsable: false });
  });
  it("partner-down: the partner's addresses only after MCLT, and only when the partner is known to be down", () => {
    const pd = (cause: HaFacts['partnerDownCause'], ms: number) => allocationPolicy('partner-down', { partnerDownCause: cause, declaredDownForMs: ms }, 3600);
    assert.equal(pd('command', 3_599_999).partnerAddressesUsable, false);
    assert.deepEqual(pd('command', 3_600_000), { fromOwnOnly: false, mcltCap: true, partnerAddressesUsable: true });
    assert.equal(pd('unacked-clients', 10_000_000).partnerAddressesUsable, false, 'a partition can show each side the other\'s clients retrying');
    assert.equal(pd('maintenance', 0).partnerAddressesUsable, true);
    assert.equal(pd('switchover', 10_000_000).partnerAddressesUsable, false);
    assert.equal(pd('interruption', 10_000_000).partnerAddressesUsable, false);
  });
});

/** Runs a scenario: each step gives the partner's view and facts; returns the states visited. */
function run(start: HaState, role: HaRole, steps: readonly [PartnerView, Partial<HaFacts>][], c: Partial<HaDecideConfig> = {}) {
  let me = start;
  const seen: HaState[] = [];
  const all: HaEffect[][] = [];
  for (const [partner, f] of steps) {
    const d = decide({ me, partner, facts: facts(f), config: { ...CONFIG, ...c }, role });
    me = d.next;
    seen.push(me);
    all.push([...d.effects]);
  }
  return { seen, effects: all };
}

describe('decide: scenarios', () => {
  it('startup of both (load-balancing): primary syncs first, both reach load-balancing', () => {
    // The two run in lock step; each sees the other's previous state.
    let p: HaState = 'waiting';
    let s: HaState = 'waiting';
    const trace: string[] = [];
    for (let i = 0; i < 8; i++) {
      const sync = (me: HaState): HaFacts['sync'] => (me === 'syncing' ? 'done' : 'idle');
      const np: HaState = decide({ me: p, partner: s, facts: facts({ sync: sync(p) }), config: CONFIG, role: 'primary' }).next;
      const ns: HaState = decide({ me: s, partner: p, facts: facts({ sync: sync(s) }), config: CONFIG, role: 'secondary' }).next;
      p = np; s = ns;
      trace.push(`${p}/${s}`);
    }
    assert.equal(trace[0], 'syncing/waiting');
    assert.equal(p, 'load-balancing');
    assert.equal(s, 'load-balancing');
  });
  it('primary dies (hot-standby): standby waits for evidence, then takes over with its reserve; the rest needs the operator', () => {
    const { seen, effects } = run('hot-standby', 'standby', [
      ['unavailable', { sinceContactMs: 30_000 }],
      ['unavailable', { sinceContactMs: 61_000, interruptedForMs: 61_000 }],
      ['unavailable', { sinceContactMs: 70_000, interruptedForMs: 70_000, unackedClients: 11 }],
      ['unavailable', { sinceContactMs: 3_700_000, interruptedForMs: 3_700_000, partnerDownCause: 'unacked-clients' }],
    ], { mode: 'hot-standby' });
    assert.deepEqual(seen, ['hot-standby', 'communication-recovery', 'partner-down', 'partner-down']);
    assert.ok(effects[2]!.some((e) => e.kind === 'serve-scopes' && e.scope === 'all'));
    assert.ok(effects[2]!.some((e) => e.kind === 'use-partner-addresses' && !e.on));
    assert.ok(effects[2]!.some((e) => e.kind === 'enter-partner-down' && e.cause === 'unacked-clients'));
    assert.ok(!(effects[3] ?? []).some((e) => e.kind === 'use-partner-addresses' && e.on), 'evidence alone never unlocks the partner\'s free addresses');
  });
  it('primary dies (load-balancing): secondary → communication-recovery → partner-down on evidence', () => {
    const { seen } = run('load-balancing', 'secondary', [
      ['unavailable', { sinceContactMs: 61_000, interruptedForMs: 61_000 }],
      ['unavailable', { sinceContactMs: 90_000, interruptedForMs: 90_000, unackedClients: 3 }],
      ['unavailable', { sinceContactMs: 95_000, interruptedForMs: 95_000, unackedClients: 12 }],
    ]);
    assert.deepEqual(seen, ['communication-recovery', 'communication-recovery', 'partner-down']);
  });
  it('partition and heal: both keep serving their own, exchange leases, back to load-balancing', () => {
    const f = { sinceContactMs: 61_000, interruptedForMs: 61_000 };
    const { seen, effects } = run('load-balancing', 'primary', [
      ['unavailable', f],
      ['unavailable', { ...f, sinceContactMs: 500_000, interruptedForMs: 500_000 }],
      ['communication-recovery', { interruptedForMs: 501_000 }],
      ['communication-recovery', { interruptedForMs: 502_000, sync: 'running' }],
      ['communication-recovery', { interruptedForMs: 503_000, sync: 'done' }],
    ]);
    assert.deepEqual(seen, ['communication-recovery', 'communication-recovery', 'communication-recovery', 'communication-recovery', 'load-balancing']);
    assert.ok(effects[0]!.some((e) => e.kind === 'cap-leases-at-mclt' && e.on));
    assert.ok(effects[2]!.some((e) => e.kind === 'start-sync' && !e.disablePartner));
    assert.ok(effects[4]!.some((e) => e.kind === 'cap-leases-at-mclt' && !e.on));
  });
  it('automatic partner-down after state-switchover-interval never unlocks the partner addresses', () => {
    const { seen, effects } = run('load-balancing', 'secondary', [
      ['unavailable', { sinceContactMs: 61_000, interruptedForMs: 61_000 }],
      ['unavailable', { sinceContactMs: 299_000, interruptedForMs: 299_000 }],
      ['unavailable', { sinceContactMs: 300_000, interruptedForMs: 300_000 }],
      ['unavailable', { sinceContactMs: 4_000_000, interruptedForMs: 4_000_000, partnerDownCause: 'switchover' }],
    ], { stateSwitchoverIntervalSec: 300 });
    assert.deepEqual(seen, ['communication-recovery', 'communication-recovery', 'partner-down', 'partner-down']);
    assert.ok(effects[2]!.some((e) => e.kind === 'enter-partner-down' && e.cause === 'switchover'));
    assert.deepEqual(effects[3], []);
  });
  it('partner returns after partner-down: it syncs, we pull what it granted while serving, then normal', () => {
    const { seen, effects } = run('partner-down', 'primary', [
      ['waiting', { partnerDownCause: 'unacked-clients' }],
      ['syncing', { partnerDownCause: 'unacked-clients' }],
      // Always, even with an unchanged unsent-update-count: a partner that restarted counts from zero.
      ['ready', { partnerDownCause: 'unacked-clients' }],
      ['ready', { partnerDownCause: 'unacked-clients', sync: 'done' }],
    ]);
    assert.deepEqual(seen, ['partner-down', 'partner-down', 'partner-down', 'load-balancing']);
    assert.ok(effects[2]!.some((e) => e.kind === 'start-sync' && !e.disablePartner));
  });
  it('maintenance start and cancel', () => {
    assert.deepEqual(run('load-balancing', 'primary', [
      ['load-balancing', { maintenance: 'start' }], ['in-maintenance', {}], ['unavailable', {}],
    ]).seen, ['partner-in-maintenance', 'partner-in-maintenance', 'partner-down']);
    assert.deepEqual(run('load-balancing', 'secondary', [
      ['partner-in-maintenance', { maintenance: 'notified' }], ['partner-in-maintenance', {}], ['partner-in-maintenance', { maintenance: 'cancel' }],
    ]).seen, ['in-maintenance', 'in-maintenance', 'waiting']);
    assert.deepEqual(run('partner-in-maintenance', 'primary', [['in-maintenance', { maintenance: 'cancel' }]]).seen, ['load-balancing']);
  });
  it('clock skew 45 s warns without a transition; 90 s terminates and logs both states', () => {
    const warn = decide({ me: 'load-balancing', partner: 'load-balancing', facts: facts({ clockSkewSec: 45 }), config: CONFIG, role: 'primary' });
    assert.equal(warn.next, 'load-balancing');
    assert.ok(warn.effects.some((e) => e.kind === 'warn-clock-skew' && e.skewSec === 45));
    const term = decide({ me: 'load-balancing', partner: 'load-balancing', facts: facts({ clockSkewSec: -90 }), config: CONFIG, role: 'primary' });
    assert.equal(term.next, 'terminated');
    const log = term.effects[0];
    assert.ok(log !== undefined && log.kind === 'log' && log.id === 'HA_STATE_TRANSITION');
    assert.equal(log.from, 'load-balancing');
    assert.equal(log.to, 'terminated');
    assert.match(log.reason, /clock skew -90 s/);
    assert.ok(term.effects.some((e) => e.kind === 'stop-heartbeat'));
  });
  it('too many rejected lease updates terminate; 0 disables the check', () => {
    assert.equal(next('load-balancing', 'load-balancing', { rejectedUpdates: 10 }), 'terminated');
    assert.equal(next('load-balancing', 'load-balancing', { rejectedUpdates: 100 }, { maxRejectedLeaseUpdates: 0 }), 'load-balancing');
  });
  it('a config hash mismatch is logged, not a transition', () => {
    const d = decide({ me: 'load-balancing', partner: 'load-balancing', facts: facts({ configHashMatches: false }), config: CONFIG, role: 'primary' });
    assert.equal(d.next, 'load-balancing');
    assert.ok(d.effects.some((e) => e.kind === 'log' && e.id === 'HA_CONFIG_MISMATCH'));
  });
});
