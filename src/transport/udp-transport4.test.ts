/**
 * Real sockets in network namespaces this test creates (prefix `tt<pid>`) and always removes.
 * Runs only as root with `ip` and `python3`; skipped otherwise. The transport runs in a child process
 * inside the server namespace (testing/transport-fixture4.ts); clients and relays are python3
 * (testing/udp4-peer.py) in the client namespace. Every wait is bounded.
 *
 *   server ns  A=<p>a 192.0.2.1/24 (+192.0.2.9 secondary)       ⇄ client ns <p>b (no IPv4 until the relay step)
 *              B=<p>c 198.51.100.1/24 + 198.51.100.5 (configured) ⇄ client ns <p>d (no IPv4)
 *              C=<p>e created after start, 203.0.113.1/24        ⇄ client ns <p>f
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./testing/transport-fixture4.ts', import.meta.url));
const peer = fileURLToPath(new URL('./testing/udp4-peer.py', import.meta.url));

function which(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skip = process.platform !== 'linux' ? 'needs Linux'
  : process.getuid?.() !== 0 ? 'needs root (creates network namespaces)'
  : !which('ip') ? 'needs iproute2 (`ip`)'
  : !which('python3') ? 'needs python3 for the client peers'
  : false;

const P = `tt${process.pid}`;
const NS_S = `${P}s`;
const NS_C = `${P}c`;
const [A, A_PEER, B, B_PEER, C, C_PEER] = [`${P}a`, `${P}b`, `${P}c`, `${P}d`, `${P}e`, `${P}f`];
const RESCAN_MS = 300;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}
function cleanup(): void {
  for (const ns of [NS_S, NS_C]) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 10_000 });
    } catch { /* not there */ }
  }
}

type Event = Record<string, unknown> & { event: string };

class Fixture {
  readonly events: Event[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private waiters: Array<() => void> = [];
  private nextId = 1;
  stderr = '';

  constructor(config: unknown, asNobody = false) {
    const drop = asNobody ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : [];
    this.child = spawn('ip', ['netns', 'exec', NS_S, ...drop, process.execPath, '--import', 'tsx', fixture, JSON.stringify(config)], { cwd: repoRoot });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.events.push(JSON.parse(line) as Event);
      for (const w of this.waiters) w();
    });
    this.child.stderr.on('data', (d: Buffer) => { this.stderr += d.toString(); });
  }

  /** Resolves with the first event (from index `from`) matching, or rejects after timeoutMs. */
  waitFor(pred: (e: Event) => boolean, timeoutMs: number, from = 0): Promise<Event> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.events.slice(from).find(pred);
        if (hit === undefined) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(hit);
        return true;
      };
      const waiter = (): void => { check(); };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms; events: ${JSON.stringify(this.events.slice(from))}; stderr: ${this.stderr}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(waiter);
    });
  }

  command(cmd: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
  }

  async send(ifname: string, data: string, route: Record<string, unknown>): Promise<Event> {
    const id = this.nextId++;
    this.command({ op: 'send', id, ifname, data, route });
    return this.waitFor((e) => (e.event === 'sent' || e.event === 'send-failed') && e['id'] === id, 5000);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

function peerSend(ifname: string, dst: string, port: number, payload: string, src = '0.0.0.0', sport = 68): void {
  execFileSync('ip', ['netns', 'exec', NS_C, 'python3', peer, 'send', ifname, dst, String(port), payload, src, String(sport)], { timeout: 10_000 });
}

type Frame = { dstMac: string; srcMac: string; srcIp: string; dstIp: string; srcPort: number; dstPort: number; payload: string };

/** Starts a raw receiver on a client-side interface; resolves `ready` once it listens. */
function peerRecv(ifname: string, port: number, marker: string, timeoutS: number): { ready: Promise<void>; frame: Promise<Frame | null> } {
  const child = spawn('ip', ['netns', 'exec', NS_C, 'python3', peer, 'recv', ifname, String(port), marker, String(timeoutS)]);
  const lines = createInterface({ input: child.stdout });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => { onReady = resolve; });
  const frame = new Promise<Frame | null>((resolve) => {
    lines.on('line', (line) => {
      if (line === 'ready') onReady();
      else if (line === 'timeout') resolve(null);
      else resolve(JSON.parse(line) as Frame);
    });
    child.on('exit', () => resolve(null));
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 5) * 1000);
  void frame.finally(() => clearTimeout(killer));
  return { ready, frame };
}

function macOf(ns: string, ifname: string): string {
  const out = execFileSync('ip', ['-n', ns, '-j', 'link', 'show', ifname], { encoding: 'utf8' });
  return (JSON.parse(out) as Array<{ address: string }>)[0]!.address;
}

/** A veth that was just set up may drop frames until the kernel's link watcher activates it (up to ~1 s). */
async function waitOperUp(ns: string, ifname: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const out = execFileSync('ip', ['-n', ns, '-j', 'link', 'show', ifname], { encoding: 'utf8' });
    if ((JSON.parse(out) as Array<{ operstate: string }>)[0]?.operstate === 'UP') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${ns}/${ifname} did not come up`);
}

/** Broadcasts a DISCOVER-like datagram from a client interface until the fixture reports it (bounded). */
async function discoverUntilSeen(dev: string, payload: string): Promise<Event> {
  for (let attempt = 0; ; attempt++) {
    const from = fx!.events.length;
    peerSend(dev, '255.255.255.255', 67, payload);
    try {
      return await fx!.waitFor((e) => e.event === 'packet' && e['data'] === payload, 500, from);
    } catch (error) {
      if (attempt === 9) throw error;
    }
  }
}

let fx: Fixture | null = null;
const onExit = (): void => { fx?.kill(); cleanup(); };
const onSignal = (signal: NodeJS.Signals): void => {
  onExit();
  process.kill(process.pid, signal);
};

test('udp transport in network namespaces', { skip, timeout: 90_000 }, async (t) => {
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    cleanup();
    ip('netns', 'add', NS_S);
    ip('netns', 'add', NS_C);
    ip('-n', NS_S, 'link', 'set', 'lo', 'up');
    ip('-n', NS_C, 'link', 'set', 'lo', 'up');
    ip('link', 'add', A, 'netns', NS_S, 'type', 'veth', 'peer', 'name', A_PEER, 'netns', NS_C);
    ip('link', 'add', B, 'netns', NS_S, 'type', 'veth', 'peer', 'name', B_PEER, 'netns', NS_C);
    ip('-n', NS_S, 'addr', 'add', '192.0.2.1/24', 'dev', A);
    ip('-n', NS_S, 'addr', 'add', '192.0.2.9/24', 'dev', A);
    ip('-n', NS_S, 'addr', 'add', '198.51.100.1/24', 'dev', B);
    ip('-n', NS_S, 'addr', 'add', '198.51.100.5/24', 'dev', B);
    for (const [ns, dev] of [[NS_S, A], [NS_S, B], [NS_C, A_PEER], [NS_C, B_PEER]] as const) ip('-n', ns, 'link', 'set', dev, 'up');
    for (const [ns, dev] of [[NS_S, A], [NS_S, B], [NS_C, A_PEER], [NS_C, B_PEER]] as const) await waitOperUp(ns, dev);

    fx = new Fixture({
      interfaces: [{ name: A, address: null }, { name: B, address: '198.51.100.5' }, { name: C, address: null }],
      serverPort: 67,
      rescanMs: RESCAN_MS,
    });
    const ready = await fx.waitFor((e) => e.event === 'ready' || e.event === 'start-failed', 20_000);
    assert.equal(ready.event, 'ready', JSON.stringify(ready));
    assert.deepEqual(ready['links'], [
      { ifname: A, address: '192.0.2.1', prefixLength: 24 },
      { ifname: B, address: '198.51.100.5', prefixLength: 24 },
    ]);
    await fx.waitFor((e) => e.event === 'log' && e['id'] === 'TRANSPORT_LINK_WAITING' && e['ifname'] === C, 1000);

    await t.test('a broadcast is reported on the link it arrived on, and only there', async () => {
      for (const [dev, link] of [[A_PEER, A], [B_PEER, B]] as const) {
        const from = fx!.events.length;
        peerSend(dev, '255.255.255.255', 67, `DISCOVER-via-${dev}`);
        const got = await fx!.waitFor((e) => e.event === 'packet' && e['data'] === `DISCOVER-via-${dev}`, 3000, from);
        assert.equal(got['ifname'], link);
        assert.equal(got['source'], '0.0.0.0');
        assert.equal(got['sourcePort'], 68);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(fx!.events.slice(from).filter((e) => e.event === 'packet').length, 1, 'delivered exactly once');
      }
    });

    await t.test('unicast-hw reaches yiaddr at chaddr before the client has an address', async () => {
      const rx = peerRecv(A_PEER, 68, 'OFFER-hw', 5);
      await rx.ready;
      const sent = await fx!.send(A, 'OFFER-hw', { kind: 'unicast-hw', to: '192.0.2.77', hwAddress: '02:00:00:00:00:77', port: 68 });
      assert.equal(sent.event, 'sent', JSON.stringify(sent));
      const frame = await rx.frame;
      assert.ok(frame, 'client saw the frame');
      assert.equal(frame.dstMac, '02:00:00:00:00:77');
      assert.equal(frame.dstIp, '192.0.2.77');
      assert.equal(frame.srcIp, '192.0.2.1');
      assert.equal(frame.srcPort, 67);
      assert.equal(frame.srcMac, macOf(NS_S, A));
    });

    await t.test('unicast-hw falls back to broadcast when the ARP entry cannot be made', async () => {
      const rx = peerRecv(A_PEER, 68, 'OFFER-fallback', 5);
      await rx.ready;
      const sent = await fx!.send(A, 'OFFER-fallback', { kind: 'unicast-hw', to: '192.0.2.78', hwAddress: '01:02:03', port: 68 });
      assert.equal(sent.event, 'sent');
      const frame = await rx.frame;
      assert.ok(frame);
      assert.equal(frame.dstMac, 'ff:ff:ff:ff:ff:ff');
      assert.equal(frame.dstIp, '255.255.255.255');
      await fx!.waitFor((e) => e.event === 'log' && e['id'] === 'TRANSPORT_SEND_FALLBACK', 1000);
    });

    await t.test('a broadcast reply leaves the right link with the configured address as source', async () => {
      const onB = peerRecv(B_PEER, 68, 'OFFER-bcast-B', 3);
      const onA = peerRecv(A_PEER, 68, 'OFFER-bcast-B', 2);
      await Promise.all([onB.ready, onA.ready]);
      assert.equal((await fx!.send(B, 'OFFER-bcast-B', { kind: 'broadcast', port: 68 })).event, 'sent');
      const frame = await onB.frame;
      assert.ok(frame);
      assert.equal(frame.dstMac, 'ff:ff:ff:ff:ff:ff');
      assert.equal(frame.dstIp, '255.255.255.255');
      assert.equal(frame.srcIp, '198.51.100.5', 'source is the configured (secondary) address, not the primary');
      assert.equal(frame.srcPort, 67);
      assert.equal(await onA.frame, null, 'nothing leaks onto link A');
    });

    await t.test('relayed unicast is received on the relay-facing link; replies go to giaddr:67 and ciaddr:68', async () => {
      ip('-n', NS_C, 'addr', 'add', '192.0.2.2/24', 'dev', A_PEER);
      let from = fx!.events.length;
      peerSend(A_PEER, '192.0.2.1', 67, 'RELAYED', '192.0.2.2', 67);
      const got = await fx!.waitFor((e) => e.event === 'packet' && e['data'] === 'RELAYED', 3000, from);
      assert.equal(got['ifname'], A);
      assert.equal(got['source'], '192.0.2.2');
      assert.equal(got['sourcePort'], 67);
      // Unicast to the secondary address arrives on the 0.0.0.0 socket: still link A, once.
      from = fx!.events.length;
      peerSend(A_PEER, '192.0.2.9', 67, 'TO-SECONDARY', '192.0.2.2', 68);
      assert.equal((await fx!.waitFor((e) => e.event === 'packet' && e['data'] === 'TO-SECONDARY', 3000, from))['ifname'], A);

      const relayRx = peerRecv(A_PEER, 67, 'REPLY-relay', 3);
      await relayRx.ready;
      assert.equal((await fx!.send(A, 'REPLY-relay', { kind: 'relay', to: '192.0.2.2', port: 67 })).event, 'sent');
      const relayFrame = await relayRx.frame;
      assert.ok(relayFrame);
      assert.deepEqual([relayFrame.srcIp, relayFrame.srcPort, relayFrame.dstIp], ['192.0.2.1', 67, '192.0.2.2']);

      const uniRx = peerRecv(A_PEER, 68, 'ACK-renew', 3);
      await uniRx.ready;
      assert.equal((await fx!.send(A, 'ACK-renew', { kind: 'unicast', to: '192.0.2.2', port: 68 })).event, 'sent');
      const uniFrame = await uniRx.frame;
      assert.ok(uniFrame);
      assert.deepEqual([uniFrame.srcIp, uniFrame.dstIp, uniFrame.dstPort], ['192.0.2.1', '192.0.2.2', 68]);
    });

    await t.test('an interface created after start is picked up, renumbered, and dropped', async () => {
      let from = fx!.events.length;
      ip('link', 'add', C, 'netns', NS_S, 'type', 'veth', 'peer', 'name', C_PEER, 'netns', NS_C);
      ip('-n', NS_S, 'addr', 'add', '203.0.113.1/24', 'dev', C);
      ip('-n', NS_S, 'link', 'set', C, 'up');
      ip('-n', NS_C, 'link', 'set', C_PEER, 'up');
      const up = await fx!.waitFor((e) => e.event === 'log' && e['id'] === 'TRANSPORT_LINK_UP' && e['ifname'] === C, RESCAN_MS * 4 + 2000, from);
      assert.equal(up['address'], '203.0.113.1');
      assert.equal((await discoverUntilSeen(C_PEER, 'DISCOVER-via-C'))['ifname'], C);

      from = fx!.events.length;
      ip('-n', NS_S, 'addr', 'flush', 'dev', C);
      ip('-n', NS_S, 'addr', 'add', '203.0.113.9/25', 'dev', C);
      const changed = await fx!.waitFor((e) => e.event === 'log' && e['id'] === 'TRANSPORT_LINK_CHANGED' && e['ifname'] === C, RESCAN_MS * 4 + 2000, from);
      assert.deepEqual([changed['address'], changed['prefixLength']], ['203.0.113.9', 25]);
      await waitOperUp(NS_S, C);
      const rx = peerRecv(C_PEER, 68, 'OFFER-C', 3);
      await rx.ready;
      assert.equal((await fx!.send(C, 'OFFER-C', { kind: 'broadcast', port: 68 })).event, 'sent');
      assert.equal((await rx.frame)?.srcIp, '203.0.113.9');

      // Deleted and re-created between two scans: the old socket is bound to a dead ifindex and must be replaced.
      from = fx!.events.length;
      execFileSync('ip', ['-n', NS_S, '-batch', '-'], {
        input: `link del ${C}\nlink add ${C} type veth peer name ${C_PEER} netns ${NS_C}\naddr add 203.0.113.9/25 dev ${C}\nlink set ${C} up\n`,
        timeout: 10_000,
      });
      ip('-n', NS_C, 'link', 'set', C_PEER, 'up');
      await fx!.waitFor((e) => e.event === 'log' && e['id'] === 'TRANSPORT_LINK_UP' && e['ifname'] === C, RESCAN_MS * 4 + 2000, from);
      assert.equal((await discoverUntilSeen(C_PEER, 'DISCOVER-after-recreate'))['ifname'], C);

      from = fx!.events.length;
      ip('-n', NS_S, 'link', 'del', C);
      await fx!.waitFor((e) => e.event === 'log' && e['id'] === 'TRANSPORT_LINK_DOWN' && e['ifname'] === C, RESCAN_MS * 4 + 2000, from);
      const failed = await fx!.send(C, 'late', { kind: 'broadcast', port: 68 });
      assert.deepEqual([failed.event, failed['code']], ['send-failed', 'ERR_TRANSPORT_LINK_DOWN']);
    });

    await t.test('reconfigure drops a link that is no longer listed and keeps the others', async () => {
      const from = fx!.events.length;
      fx!.command({ op: 'reconfigure', interfaces: [{ name: B, address: '198.51.100.5' }] });
      const links = await fx!.waitFor((e) => e.event === 'links', 5000, from);
      assert.deepEqual(links['links'], [{ ifname: B, address: '198.51.100.5', prefixLength: 24 }]);
      assert.ok(fx!.events.slice(from).some((e) => e['id'] === 'TRANSPORT_LINK_DOWN' && e['ifname'] === A));
      assert.ok(!fx!.events.slice(from).some((e) => e['id'] === 'TRANSPORT_LINK_UP'), 'B was not reopened');
      const after = fx!.events.length;
      peerSend(B_PEER, '255.255.255.255', 67, 'DISCOVER-after-reload');
      assert.equal((await fx!.waitFor((e) => e.event === 'packet' && e['data'] === 'DISCOVER-after-reload', 3000, after))['ifname'], B);
    });

    await t.test('without CAP_NET_BIND_SERVICE, start() rejects with ERR_TRANSPORT_SOCKET naming the interface and call', async () => {
      const unprivileged = new Fixture({ interfaces: [{ name: B, address: null }], serverPort: 67, rescanMs: RESCAN_MS }, true);
      try {
        const failed = await unprivileged.waitFor((e) => e.event === 'ready' || e.event === 'start-failed', 20_000);
        assert.equal(failed.event, 'start-failed');
        assert.equal(failed['code'], 'ERR_TRANSPORT_SOCKET');
        assert.match(String(failed['message']), new RegExp(`${B}: bind\\(port 67\\) failed: EACCES`));
      } finally {
        unprivileged.kill();
      }
    });

    await fx.stop();
  } finally {
    fx?.kill();
    cleanup();
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
});

after(() => { if (!skip) cleanup(); });
