// Invariant 3 (nothing lost): under perfdhcp load, kill -9 the server mid-run and restart it. Every
// DHCPACK seen on the wire must have its lease in the store, with the chaddr it was ACKed to.
// Invariant 1 is checked on the same capture: no address is ACKed to two different chaddrs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  baseDhcp4, capture, DHCP_MSG, delay, dhcpPackets, e2eSkipReason, singleLinkLab, startServer,
} from '../helpers/lab/index.ts';
import type { LabProcess, LinkLab, ServerHandle } from '../helpers/lab/index.ts';

const RATE = Number(process.env['TANDEM_E2E_CRASH_RATE'] ?? 200); // exchanges per second
const CLIENTS = 4000; // distinct simulated clients (-R)
const BEFORE_KILL_MS = 4000;
const DOWN_MS = 500;
const AFTER_RESTART_MS = 4000;
const PERF_MAX_S = 30; // perfdhcp's own bound (-p); it is stopped earlier
const SERVER_IP = '10.78.0.1';
const LOAD_IP = '10.78.0.2';

const skip = e2eSkipReason(['perfdhcp', 'tcpdump']);
let ll: LinkLab | null = null;
after(async () => {
  await ll?.lab.destroy();
});

type Ack = { yiaddr: string; chaddr: string; timeMs: number };

test('every DHCPACK on the wire survives kill -9 and restart', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  ll = await singleLinkLab({ clients: 1, serverAddr: `${SERVER_IP}/16` });
  const { lab, server, serverIf } = ll;
  const load = ll.clients[0]!;
  await lab.ip(load.ns, ['addr', 'add', `${LOAD_IP}/16`, 'dev', load.ifname]);

  const dhcp4 = baseDhcp4([serverIf], {
    'valid-lifetime': 3600,
    'renew-timer': 1800,
    'rebind-timer': 3000,
    subnet4: [{
      id: 1,
      subnet: '10.78.0.0/16',
      pools: [{ pool: '10.78.1.0 - 10.78.40.255' }],
      'option-data': [{ name: 'routers', data: SERVER_IP }],
    }],
  });
  const srv: ServerHandle = await startServer(lab, server, dhcp4);
  const cap = await capture(lab, load.ns, load.ifname, { filter: 'udp port 67 or udp port 68' });

  // perfdhcp acts as a relay: it sends from LOAD_IP:67 with giaddr LOAD_IP, the server answers there.
  const perf: LabProcess = lab.spawn(load.ns, [
    'perfdhcp', '-4', '-l', LOAD_IP, '-r', String(RATE), '-R', String(CLIENTS), '-p', String(PERF_MAX_S),
    '-b', 'mac=02:cc:00:00:00:00', '-s', '7', '-d', '2', SERVER_IP,
  ]);
  let killedAt = 0;
  let restartedAt = 0;
  try {
    await delay(BEFORE_KILL_MS);
    killedAt = Date.now();
    await srv.kill9();
    await delay(DOWN_MS);
    await srv.start();
    restartedAt = Date.now();
    await delay(AFTER_RESTART_MS);
  } finally {
    await perf.kill('SIGINT');
  }
  const pkts = await cap.stop();
  await srv.stop();
  const perfLines = perf.output().split('\n').filter((l) => /^(Rate|sent packets|received packets|drops):/.test(l));
  t.diagnostic(`perfdhcp: ${perfLines.slice(0, 8).join(' | ')}`);

  const acks: Ack[] = dhcpPackets(pkts)
    .filter((v) => v.op === 2 && v.messageType === DHCP_MSG.ACK && v.yiaddr !== '0.0.0.0')
    .map((v) => ({ yiaddr: v.yiaddr, chaddr: v.chaddr, timeMs: v.pkt.timeMs }));
  const requests = dhcpPackets(pkts).filter((v) => v.op === 1 && v.messageType === DHCP_MSG.REQUEST).length;
  const before = acks.filter((a) => a.timeMs < killedAt).length;
  const after_ = acks.filter((a) => a.timeMs >= restartedAt).length;
  t.diagnostic(`server=${srv.kind} captured=${pkts.length} requests=${requests} acks=${acks.length} beforeKill=${before} afterRestart=${after_}`);

  assert.ok(acks.length > 0, 'no DHCPACK was captured: the load or the capture did not work');
  assert.ok(before > 0, 'no DHCPACK before the kill: the crash did not happen mid-run');
  assert.ok(after_ > 0, 'no DHCPACK after the restart: the restarted server did not serve');

  // No double lease on the wire: one chaddr per ACKed address.
  const owner = new Map<string, string>();
  const doubles: string[] = [];
  for (const a of acks) {
    const prev = owner.get(a.yiaddr);
    if (prev !== undefined && prev !== a.chaddr) doubles.push(`${a.yiaddr}: ${prev} and ${a.chaddr}`);
    owner.set(a.yiaddr, a.chaddr);
  }
  assert.deepEqual(doubles, [], 'an address was ACKed to two different clients');

  const leases = await srv.leases();
  const stored = new Map(leases.map((l) => [l['ip-address'], l['hw-address'].toLowerCase()]));
  const lost: string[] = [];
  for (const [addr, chaddr] of owner) {
    const hw = stored.get(addr);
    if (hw !== chaddr) lost.push(`${addr} ACKed to ${chaddr}, store has ${hw ?? 'nothing'}`);
  }
  t.diagnostic(`ackedAddresses=${owner.size} storedLeases=${leases.length} lost=${lost.length}`);
  assert.deepEqual(lost.slice(0, 20), [], `${lost.length} ACKed leases are missing from the store after kill -9`);
});
