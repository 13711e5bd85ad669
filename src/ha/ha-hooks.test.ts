import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease4 } from '../model/index.ts';
import { createHaHooks } from './ha-hooks.ts';
import type { HaHookState } from './ha-hooks.ts';

const lease = (validLifetime: number): Lease4 => ({
  address: 0x0a00000a, hwAddress: '0a:00:00:00:00:01', clientId: null, subnetId: 1, cltt: 1_800_000_000,
  validLifetime, hostname: '', state: 'default',
});

function state(over: Partial<HaHookState>): HaHookState {
  return {
    mode: 'hot-standby', role: 'primary', loadBalancePercent: 50, scope: () => 'own', partnerUnavailable: () => false,
    observePartnerClient: () => {}, mcltCapSec: () => null, needsAck: () => true, waitForAck: async () => true,
    ownership: () => { throw new Error('not used'); }, mayUseOthers: () => false, ...over,
  };
}

it('an uncapped lease is ACKed only with the partner\'s ack, even when the state changed during its commit', async () => {
  const acks: number[] = [];
  // The partner became unreachable while the lease (granted uncapped) was being written: no ack comes.
  const { hooks } = createHaHooks(state({
    needsAck: () => false, mcltCapSec: () => 60, waitForAck: async (l) => { acks.push(l.validLifetime); return false; },
  }));
  assert.equal(await hooks.afterCommit!(lease(3600), {} as never), false, 'a full-length lease without the partner\'s ack is not ACKed');
  assert.equal(await hooks.afterCommit!(lease(60), {} as never), true, 'a lease within MCLT goes out without the ack');
  assert.deepEqual(acks, [3600]);
});

it('waits for the partner in the states that need its ack', async () => {
  const { hooks } = createHaHooks(state({ needsAck: () => true, waitForAck: async () => false }));
  assert.equal(await hooks.afterCommit!(lease(60), {} as never), false);
});
