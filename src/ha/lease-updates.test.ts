import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp4 } from '../util/index.ts';
import type { Lease4 } from '../model/index.ts';
import { createMemoryLeaseStore } from '../store/index.ts';
import { PARTNER_COMMANDS, RESULT } from './commands.ts';
import type { CommandJson } from './commands.ts';
import { createLeaseUpdates } from './lease-updates.ts';
import type { PartnerResult } from './partner-client.ts';

const aLease = (last: number, cltt = 1_800_000_000): Lease4 => ({
  address: parseIp4(`10.0.0.${last}`)!, hwAddress: `0a:00:00:00:00:${last.toString(16).padStart(2, '0')}`, clientId: null,
  subnetId: 1, cltt, validLifetime: 3600, hostname: '', state: 'default',
});

const okAnswer = (args: unknown = {}): PartnerResult => ({ ok: true, rttMs: 1, answer: { result: RESULT.SUCCESS, text: '', arguments: args } });

describe('lease updates to the partner', () => {
  it('batches the changes of one turn into one lease4-bulk-apply and acks each waiter', async () => {
    const store = createMemoryLeaseStore();
    const sent: CommandJson[] = [];
    const u = createLeaseUpdates({ store, send: async (c) => { sent.push(c); return okAnswer(); } });
    u.setEnabled(true);
    const leases = [aLease(10), aLease(11), aLease(12)];
    await Promise.all(leases.map((l) => store.insert4(l)));
    const acks = await Promise.all(leases.map((l) => u.waitFor(l)));
    assert.deepEqual(acks, [true, true, true]);
    assert.equal(sent.length, 1);
    const parsed = PARTNER_COMMANDS['lease4-bulk-apply'].parse(sent[0]);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.leases.length, 3);
    assert.equal(sent[0]!.arguments['origin'], 'ha-partner');
    u.close();
  });

  it('bounds the batch size and pipelines batches', async () => {
    const store = createMemoryLeaseStore();
    let inFlight = 0;
    let maxSeen = 0;
    const sizes: number[] = [];
    const u = createLeaseUpdates({
      store, maxBatch: 2, maxInFlight: 2,
      send: async (c) => {
        inFlight++; maxSeen = Math.max(maxSeen, inFlight);
        sizes.push((c.arguments['leases'] as unknown[]).length);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return okAnswer();
      },
    });
    u.setEnabled(true);
    const leases = [10, 11, 12, 13, 14].map((n) => aLease(n));
    await Promise.all(leases.map((l) => store.insert4(l)));
    assert.deepEqual(await Promise.all(leases.map((l) => u.waitFor(l))), [true, true, true, true, true]);
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.equal(maxSeen, 2);
    u.close();
  });

  it('does not send back what came from the partner, and counts unsent changes while off', async () => {
    const store = createMemoryLeaseStore();
    const sent: CommandJson[] = [];
    const u = createLeaseUpdates({ store, send: async (c) => { sent.push(c); return okAnswer(); } });
    u.setEnabled(true);
    const fromPartner = aLease(20);
    u.expectEcho(fromPartner, false);
    await store.insert4(fromPartner);
    await new Promise((r) => setImmediate(r));
    assert.equal(sent.length, 0);
    u.setEnabled(false);
    await store.insert4(aLease(21));
    assert.equal(u.unsentCount(), 1);
    assert.equal(sent.length, 0);
    u.close();
  });

  it('keeps what changed while off, the latest per address, and sends it first when back on', async () => {
    const store = createMemoryLeaseStore();
    const sent: CommandJson[] = [];
    const acked: string[] = [];
    const u = createLeaseUpdates({
      store, send: async (c) => { sent.push(c); return okAnswer(); },
      onAcked: (l, removed) => acked.push(`${l.address & 0xff}${removed ? '-' : '+'}${l.cltt}`),
    });
    u.setEnabled(false);
    const a = aLease(40);
    await store.insert4(a);
    const a2 = { ...a, cltt: a.cltt + 5 };
    await store.update4(a2, { cltt: a.cltt, validLifetime: a.validLifetime });
    await store.insert4(aLease(41));
    // The partner's newer lease for .41 supersedes ours: ours is not sent.
    const theirs = { ...aLease(41), cltt: aLease(41).cltt + 9, hwAddress: '0a:00:00:00:00:99' };
    u.expectEcho(theirs, false);
    await store.update4(theirs, { cltt: aLease(41).cltt, validLifetime: 3600 });
    assert.equal(u.unsentCount(), 3);
    assert.equal(u.backlogCount(), 1);
    assert.equal(sent.length, 0);
    u.setEnabled(true);
    assert.equal(await u.waitFor(a2), true);
    const parsed = PARTNER_COMMANDS['lease4-bulk-apply'].parse(sent[0]);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.leases.map((l) => [l.address & 0xff, l.cltt]), [[40, a2.cltt]]);
    assert.deepEqual(acked, [`40+${a2.cltt}`], 'the ack tells what the partner now holds');
    assert.equal(u.backlogCount(), 0);
    u.close();
  });

  it('resolves false when the partner fails, names conflicts, and times out', async () => {
    const store = createMemoryLeaseStore();
    const rejected: string[] = [];
    let mode: 'down' | 'conflict' | 'hang' = 'down';
    const u = createLeaseUpdates({
      store, ackTimeoutMs: 50,
      onRejected: (l) => rejected.push(String(l.address)),
      send: async () => {
        if (mode === 'down') return { ok: false, code: 'ERR_HA_PARTNER_UNREACHABLE', error: 'ECONNREFUSED' };
        if (mode === 'conflict') {
          return { ok: true, rttMs: 1, answer: { result: RESULT.EMPTY, text: '', arguments: { 'failed-leases': [{ 'ip-address': '10.0.0.31', result: 4, 'error-message': 'newer lease' }] } } };
        }
        return new Promise<PartnerResult>(() => undefined);
      },
    });
    u.setEnabled(true);
    const a = aLease(30);
    await store.insert4(a);
    assert.equal(await u.waitFor(a), false);
    mode = 'conflict';
    const b = aLease(31);
    const c = aLease(32);
    await Promise.all([store.insert4(b), store.insert4(c)]);
    assert.deepEqual(await Promise.all([u.waitFor(b), u.waitFor(c)]), [false, true]);
    assert.deepEqual(rejected, [String(b.address)]);
    mode = 'hang';
    const d = aLease(33);
    await store.insert4(d);
    assert.equal(await u.waitFor(d), false);
    u.close();
  });
});

it('does not send the removal of a reclaimed lease (each server flushes its own)', async () => {
  const store = createMemoryLeaseStore();
  const sent: unknown[] = [];
  const updates = createLeaseUpdates({ store, send: async (cmd) => { sent.push(cmd); return { ok: true, answer: { result: 0, text: 'ok' } } as never; } });
  updates.setEnabled(true);
  const l = { address: 0x0a00000a, hwAddress: '0a:00:00:00:00:01', clientId: null, subnetId: 1, cltt: 1_800_000_000, validLifetime: 0, hostname: '', state: 'expired-reclaimed' as const };
  await store.insert4(l);
  await new Promise((r) => setImmediate(r));
  const afterInsert = sent.length;
  await store.remove4(l.address, { cltt: l.cltt, validLifetime: l.validLifetime });
  await new Promise((r) => setImmediate(r));
  assert.equal(sent.length, afterInsert, 'no batch for the flush');
  updates.close();
});
