// The README's demo: a tandem hot-standby PAIR serving real DHCP clients on a LAN built from network
// namespaces (test/helpers/lab/ha.ts: a switch, both servers on it, and their own HA link).
// Three clients (ISC dhclient, busybox udhcpc, dhcpcd) run as daemons with a short lease (valid 20 s,
// T1 5 s, T2 8 s). The primary answers; it is killed with SIGKILL; the clients' renewals go
// unanswered, they rebind by broadcast and the standby (now partner-down) gives each the SAME
// address. The primary comes back, syncs, both report hot-standby and their stores are identical.
// Everything runs inside namespaces this script creates and removes; nothing is sent on this
// machine's own interfaces. Exits non-zero if any step did not happen.
import { capture, delay, DHCP_MSG, dhcpPackets } from '../test/helpers/lab/index.ts';
import type { KeaLease } from '../test/helpers/lab/index.ts';
import { startHaPair } from '../test/helpers/lab/ha.ts';
import type { HaPair, HaServer } from '../test/helpers/lab/ha.ts';
import { startDhclient, startDhcpcd, startUdhcpc } from './demo-clients.ts';
import type { DemoClient } from './demo-clients.ts';

const t0 = Date.now();
const out = (line: string): void => void process.stdout.write(line + '\n');
const say = (text: string): void => out(`\n== [${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${text}`);

class DemoFailure extends Error {
  readonly code = 'ERR_DEMO_STEP';
}
function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new DemoFailure(what);
  out(`   ok: ${what}`);
}

const storeView = (leases: KeaLease[]): string[] =>
  leases.map((l) => `${l['ip-address'].padEnd(12)} ${l['hw-address']}  cltt ${l.cltt}  valid ${l['valid-lft']}  ${l.hostname || '-'}  state ${l.state}`).sort();

/** status-get of both; waits (bounded) until each one's view of its partner has caught up. */
async function states(pair: HaPair): Promise<string> {
  const one = async (s: HaServer): Promise<[string, boolean]> => {
    if (!s.running()) return [`${s.name}: (down)`, true];
    const st = await s.haStatus();
    return [`${s.name}: ${st.state ?? '?'} (sees partner ${st.partnerState ?? '?'})`, st.partnerState === st.state];
  };
  for (const deadline = Date.now() + 5_000; ;) {
    const [a, b] = [await one(pair.primary), await one(pair.standby)];
    if ((a[1] && b[1]) || Date.now() > deadline) return `status-get  ${a[0]}   ${b[0]}`;
    await delay(250);
  }
}

const pair = await startHaPair('hot-standby', {
  clients: 3,
  dhcp4: {
    'valid-lifetime': 20,
    'renew-timer': 5,
    'rebind-timer': 8,
    'option-data': [
      { name: 'domain-name-servers', data: '10.77.0.53' },
      { name: 'domain-name', data: 'demo.example' },
    ],
  },
});
const clients: DemoClient[] = [];
let exitCode = 0;
try {
  const { lab, net } = pair;
  const who = (ip: string | null): string => pair.byLanIp(ip)?.name ?? `unknown (${ip ?? 'none'})`;
  say(`a LAN in namespaces ${lab.prefix}*: server1 (primary, ${pair.primary.lanIp}) and server2 (standby, ${pair.standby.lanIp}) on one switch, partner traffic on their own link (${pair.primary.haIp} <-> ${pair.standby.haIp})`);
  await pair.waitNormal(30_000);
  out(`   ${await states(pair)}`);

  say('three clients start: ISC dhclient, busybox udhcpc, dhcpcd (lease 20 s, renew at 5 s, rebind at 8 s)');
  const [c1, c2, c3] = net.clients as [typeof net.clients[0], typeof net.clients[0], typeof net.clients[0]];
  clients.push(await startDhclient(lab, c1.ns, c1.ifname, 'laptop'), startUdhcpc(lab, c2.ns, c2.ifname), startDhcpcd(lab, c3.ns, c3.ifname));
  const first = await Promise.all(clients.map((c) => c.waitBound(0, 30_000)));
  clients.forEach((c, i) => out(`   ${c.kind.padEnd(8)} got ${first[i]?.address ?? 'NOTHING'} from ${who(first[i]?.serverId ?? null)}`));
  check(first.every((b) => b?.address), 'every client got an address');
  check(first.every((b) => b?.serverId === pair.primary.lanIp), 'the primary answered every client (hot-standby)');
  const addrs = first.map((b) => b!.address!);
  const replicated = new Set((await pair.standby.srv.leases()).map((l) => l['ip-address']));
  check(addrs.every((a) => replicated.has(a)), 'the standby already holds every lease (the ACK waited for its confirmation)');

  say('kill -9 the primary; watching the switch');
  const cap = await capture(lab, net.sw, 'br0', { filter: 'udp port 67 or udp port 68' });
  const seen = clients.map((c) => c.events().length);
  const killedAt = Date.now();
  await pair.primary.kill9();
  const partnerDown = await pair.waitState(pair.standby, ['partner-down'], 20_000);
  out(`   server2 is now ${partnerDown} (after ${((Date.now() - killedAt) / 1000).toFixed(1)} s without heartbeats)`);

  say('the clients renew (unicast to the dead primary), then rebind (broadcast); the standby answers');
  const again = await Promise.all(clients.map((c, i) => c.waitBound(seen[i]!, 40_000)));
  const pkts = dhcpPackets(await cap.stop()).filter((p) => p.pkt.timeMs >= killedAt);
  for (const p of pkts) {
    const type = Object.entries(DHCP_MSG).find(([, v]) => v === p.messageType)?.[0] ?? String(p.messageType);
    const kind = p.messageType === DHCP_MSG.REQUEST ? (p.pkt.dstIp === '255.255.255.255' ? ' (rebind, broadcast)' : p.pkt.dstIp === pair.primary.lanIp ? ' (renew, to the dead primary)' : '') : '';
    out(`   +${((p.pkt.timeMs - killedAt) / 1000).toFixed(1).padStart(4)} s  ${p.pkt.srcIp.padEnd(15)} > ${p.pkt.dstIp.padEnd(15)} ${type.padEnd(7)} ${p.chaddr}${p.op === 2 ? ` yiaddr ${p.yiaddr}` : ` ciaddr ${p.ciaddr}`}${kind}`);
  }
  clients.forEach((c, i) => out(`   ${c.kind.padEnd(8)} ${again[i]?.event ?? 'nothing'}: ${again[i]?.address ?? 'NO ADDRESS'} from ${who(again[i]?.serverId ?? null)}`));
  check(again.every((b, i) => b?.address === addrs[i]), 'every client kept its address');
  check(again.every((b) => b?.serverId === pair.standby.lanIp), 'the standby answered every client');
  check(pkts.some((p) => p.messageType === DHCP_MSG.REQUEST && p.pkt.dstIp === pair.primary.lanIp), 'renewals went to the dead primary first (unanswered)');
  check(!pkts.some((p) => p.op === 2 && p.pkt.srcIp === pair.primary.lanIp), 'nothing came from the dead primary');

  say('the primary comes back: it syncs the leases from the standby and both return to hot-standby');
  await pair.primary.start();
  await pair.waitNormal(60_000);
  out(`   ${await states(pair)}`);
  check(/"id":"HA_STATE_TRANSITION"[^\n]*syncing/.test(pair.primary.srv.output()), 'the primary went through syncing');
  let a: string[] = [];
  let b: string[] = [];
  for (const deadline = Date.now() + 10_000; ;) {
    a = storeView(await pair.primary.srv.leases());
    b = storeView(await pair.standby.srv.leases());
    if (JSON.stringify(a) === JSON.stringify(b) || Date.now() > deadline) break;
    await delay(500);
  }
  out('   server1 store:');
  for (const l of a) out(`     ${l}`);
  out('   server2 store:');
  for (const l of b) out(`     ${l}`);
  check(JSON.stringify(a) === JSON.stringify(b), 'both stores are identical');
  check(addrs.every((addr) => a.some((l) => l.startsWith(addr + ' '))), "every client's lease is in both stores");
  say(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s: the clients kept their addresses through the primary's crash, and the pair healed`);
} catch (error) {
  exitCode = 1;
  say(`FAILED: ${error instanceof DemoFailure ? error.message : error instanceof Error ? error.stack : String(error)}`);
  for (const s of [pair.primary, pair.standby]) if (s.running()) process.stderr.write(`--- ${s.name} log tail:\n${s.srv.output().slice(-3000)}\n`);
  for (const c of clients) process.stderr.write(`--- ${c.kind} output tail:\n${c.proc.output().slice(-1500)}\n`);
} finally {
  for (const c of clients) await c.stop();
  await pair.destroy();
}
process.exit(exitCode);
