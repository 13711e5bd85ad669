// The control API end to end: a tandem server in a lab namespace serving real clients, with a Unix
// control socket (in the lab's temp dir, reached directly) and an HTTP one on 127.0.0.1 inside the
// server's namespace with basic auth (reached by a small node script run inside that namespace).
// Every command goes through both; API-added leases are honoured and API-deleted ones offered again;
// bad credentials change nothing; bad requests get precise errors; the server keeps serving.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseDhcp4, closeServedLink, dhclient, e2eSkipReason, ipInRange, servedLinkLab, udhcpc } from '../helpers/lab/index.ts';
import type { LinkClient, LinkLab, ServerHandle } from '../helpers/lab/index.ts';
import { createControlClient } from '../../src/control-client/index.ts';

const skip = e2eSkipReason(['dhclient', 'udhcpc']);
const POOL = ['10.77.0.100', '10.77.0.109'] as const;
const USER = 'admin';
const PASSWORD = 'correct horse';
const PORT = 8000;

type Reply = { result: number; text?: string; arguments?: Record<string, unknown> };
type Sent = { status: number; reply: Reply | null; raw: string };
type Transport = { name: 'unix' | 'http'; send(body: string, auth?: string | null): Promise<Sent>; };

const PROBE = `import http from 'node:http';
let input = ''; for await (const d of process.stdin) input += d;
const out = [];
for (const q of JSON.parse(input)) {
  out.push(await new Promise((resolve) => {
    const headers = { 'content-type': 'application/json' };
    if (q.auth) headers.authorization = 'Basic ' + Buffer.from(q.auth).toString('base64');
    const req = http.request(process.argv[2], { method: 'POST', headers, timeout: 15000 }, (res) => {
      let b = ''; res.setEncoding('utf8'); res.on('data', (d) => (b += d)); res.on('end', () => resolve({ status: res.statusCode, raw: b }));
    });
    req.on('error', (e) => resolve({ status: 0, raw: String(e) }));
    req.end(q.body);
  }));
}
process.stdout.write(JSON.stringify(out));
`;

function config(L: LinkLab): object {
  return baseDhcp4(['br0'], {
    subnet4: [
      { id: 1, subnet: '10.77.0.0/24', pools: [{ pool: `${POOL[0]} - ${POOL[1]}` }] },
      // not attached to any link: a place for lease4-wipe to wipe without touching served clients
      { id: 2, subnet: '10.78.0.0/24', pools: [{ pool: '10.78.0.10 - 10.78.0.20' }] },
    ],
    'control-sockets': [
      { 'socket-type': 'unix', 'socket-name': join(L.lab.tmpdir(), 'ctrl.sock') },
      {
        'socket-type': 'http', 'socket-address': '127.0.0.1', 'socket-port': PORT,
        authentication: { type: 'basic', realm: 'tandem', clients: [{ user: USER, password: PASSWORD }] },
      },
    ],
  });
}

/**
 * One raw body over a Unix socket, Kea style; the answer is parsed when the server closes. With
 * `halfClose` the client shuts its side down after the request, as `socat` does at the end of stdin.
 */
function unixRaw(path: string, body: string, halfClose = false): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ path });
    let raw = '';
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`no answer to ${body}`)); }, 15_000);
    s.setEncoding('utf8');
    s.on('connect', () => (halfClose ? s.end(body) : s.write(body)));
    s.on('data', (d: string) => (raw += d));
    s.on('close', () => { clearTimeout(timer); resolve({ status: 0, raw, reply: parse(raw) }); });
    s.on('error', reject);
  });
}

function parse(raw: string): Reply | null {
  try {
    const v = JSON.parse(raw) as unknown;
    const one = Array.isArray(v) ? v[0] : v;
    return typeof one === 'object' && one !== null ? one as Reply : null;
  } catch {
    return null;
  }
}

const ip = (n: number) => `10.77.0.${n}`;
const dummyMac = (n: number) => `02:ee:00:00:00:${n.toString(16).padStart(2, '0')}`;

describe('e2e: control API over Unix socket and HTTP', { skip: skip ?? false }, () => {
  let L: LinkLab | undefined;
  let srv: ServerHandle | undefined;
  let unix: Transport;
  let http: Transport;
  let probe = '';
  const covered = { unix: new Set<string>(), http: new Set<string>() };

  before(async () => {
    ({ L, srv } = await servedLinkLab(6, config));
    const lab = L.lab;
    const server = L.server;
    probe = join(lab.tmpdir(), 'http-probe.mjs');
    writeFileSync(probe, PROBE);
    const sock = join(lab.tmpdir(), 'ctrl.sock');
    unix = { name: 'unix', send: (body) => unixRaw(sock, body) };
    http = {
      name: 'http',
      async send(body, auth = `${USER}:${PASSWORD}`) {
        const r = await lab.exec(server, [process.execPath, probe, `http://127.0.0.1:${PORT}/`],
          { input: JSON.stringify([{ body, auth }]), timeoutMs: 20_000 });
        assert.equal(r.code, 0, `probe failed: ${r.stderr}`);
        const [one] = JSON.parse(r.stdout) as { status: number; raw: string }[];
        assert.ok(one);
        return { ...one, reply: parse(one.raw) };
      },
    };
  });
  after(() => closeServedLink(L, srv));

  const log = () => srv?.output().slice(-4000) ?? '';
  const cmd = async (t: Transport, command: string, args?: object, want: number | number[] = 0): Promise<Reply> => {
    const r = await t.send(JSON.stringify(args === undefined ? { command } : { command, arguments: args }));
    assert.ok(r.reply, `${t.name} ${command}: no JSON answer (HTTP ${r.status}): ${r.raw}`);
    const wanted = Array.isArray(want) ? want : [want];
    assert.ok(wanted.includes(r.reply.result), `${t.name} ${command} ${JSON.stringify(args)}: result ${r.reply.result} (${r.reply.text}), wanted ${wanted.join('/')}`);
    if (t.name === 'http') {
      assert.equal(r.status, 200);
      assert.ok(Array.isArray(JSON.parse(r.raw)), 'HTTP answers are a one-element array');
    }
    covered[t.name].add(command);
    return r.reply;
  };
  const leaseCount = async () => ((await cmd(unix, 'lease4-get-all', undefined, [0, 3])).arguments?.['leases'] as unknown[] | undefined ?? []).length;

  /** Every command with valid arguments, while `c` keeps renewing in the background. */
  async function sweep(t: Transport, b: number, background: LinkClient): Promise<void> {
    let stop = false;
    let served = 0;
    const loop = (async () => {
      for (let i = 0; i < 20 && !stop; i++) {
        const r = await udhcpc(L!.lab, background.ns, background.ifname);
        if (r.address !== null) served++;
      }
    })();
    try {
      const cfg = JSON.parse(readFileSync(srv!.configPath, 'utf8')) as object;
      for (const c of ['list-commands', 'version-get', 'status-get', 'config-get', 'subnet4-list', 'statistic-get-all']) await cmd(t, c);
      await cmd(t, 'config-test', cfg);
      const w = await cmd(t, 'config-write', { filename: join(L!.lab.tmpdir(), `written-${t.name}.json`) });
      assert.ok(typeof w.arguments?.['size'] === 'number');
      await cmd(t, 'config-set', cfg);
      await cmd(t, 'config-reload');
      const addr = ip(30 + b);
      const mac = `02:aa:00:00:00:0${b}`;
      const cid = `01:02:aa:00:00:00:0${b}`;
      await cmd(t, 'lease4-add', { 'ip-address': addr, 'hw-address': mac, 'client-id': cid, hostname: `api-${t.name}`, 'subnet-id': 1 });
      assert.equal((await cmd(t, 'lease4-get', { 'ip-address': addr })).arguments?.['hw-address'], mac);
      await cmd(t, 'lease4-get', { 'identifier-type': 'hw-address', identifier: mac, 'subnet-id': 1 });
      await cmd(t, 'lease4-get', { 'identifier-type': 'client-id', identifier: cid, 'subnet-id': 1 });
      await cmd(t, 'lease4-get-all');
      await cmd(t, 'lease4-get-all', { subnets: [1] });
      const page = await cmd(t, 'lease4-get-page', { from: 'start', limit: 2 });
      assert.ok(Array.isArray(page.arguments?.['leases']) && typeof page.arguments?.['count'] === 'number');
      await cmd(t, 'lease4-get-by-hw-address', { 'hw-address': mac });
      await cmd(t, 'lease4-get-by-client-id', { 'client-id': cid });
      await cmd(t, 'lease4-get-by-hostname', { hostname: `api-${t.name}` });
      await cmd(t, 'lease4-update', { 'ip-address': addr, 'hw-address': mac, 'subnet-id': 1, hostname: `api-${t.name}-2` });
      assert.equal((await cmd(t, 'lease4-get', { 'ip-address': addr })).arguments?.['hostname'], `api-${t.name}-2`);
      await cmd(t, 'lease4-del', { 'ip-address': addr });
      await cmd(t, 'lease4-get', { 'ip-address': addr }, 3);
      await cmd(t, 'lease4-add', { 'ip-address': `10.78.0.${10 + b}`, 'hw-address': mac, 'subnet-id': 2 });
      await cmd(t, 'lease4-wipe', { 'subnet-id': 2 });
      await cmd(t, 'lease4-get', { 'ip-address': `10.78.0.${10 + b}` }, 3);
      const resv = { 'subnet-id': 1, 'hw-address': `02:bb:00:00:00:0${b}`, 'ip-address': ip(40 + b), hostname: `resv-${t.name}` };
      await cmd(t, 'reservation-add', { reservation: resv });
      await cmd(t, 'reservation-get', { 'subnet-id': 1, 'ip-address': resv['ip-address'] });
      await cmd(t, 'reservation-get-all', { 'subnet-id': 1 });
      await cmd(t, 'reservation-del', { 'subnet-id': 1, 'ip-address': resv['ip-address'] });
      await cmd(t, 'reservation-get', { 'subnet-id': 1, 'ip-address': resv['ip-address'] }, 3);
      await cmd(t, 'subnet4-get', { id: 1 });
      await cmd(t, 'statistic-get', { name: 'pkt4-received' });
      await cmd(t, 'statistic-reset', { name: 'pkt4-received' });
      await cmd(t, 'leases-reclaim', { remove: false });
      await cmd(t, 'dhcp-disable', { 'max-period': 20 });
      await cmd(t, 'dhcp-enable');
    } finally {
      stop = true;
      await loop;
    }
    assert.ok(served > 0, `the background client was never served during the ${t.name} sweep; ${log()}`);
  }

  /** A lease added by API is honoured by the client's next exchange. */
  async function honoured(t: Transport, c: LinkClient, addr: string): Promise<void> {
    await cmd(t, 'lease4-add', { 'ip-address': addr, 'hw-address': c.mac, 'subnet-id': 1 });
    const r = await dhclient(L!.lab, c.ns, c.ifname, { leaseFile: join(L!.lab.tmpdir(), `honoured-${t.name}.leases`) });
    assert.equal(r.address, addr, `${t.name}: API lease not honoured; ${log()}`);
  }

  /** With every other pool address taken, a lease deleted by API is the one offered next. */
  async function offeredAgain(t: Transport, c: LinkClient, base: number): Promise<void> {
    const taken = new Set(((await cmd(unix, 'lease4-get-all')).arguments?.['leases'] as { 'ip-address': string }[]).map((l) => l['ip-address']));
    const filled: string[] = [];
    for (let n = 100; n <= 109; n++) {
      if (taken.has(ip(n))) continue;
      await cmd(t, 'lease4-add', { 'ip-address': ip(n), 'hw-address': dummyMac(base + n - 100), 'subnet-id': 1 });
      filled.push(ip(n));
    }
    const freed = filled.at(-1);
    assert.ok(freed !== undefined, 'the pool had no free address to fill');
    await cmd(t, 'lease4-del', { 'ip-address': freed });
    const r = await udhcpc(L!.lab, c.ns, c.ifname);
    assert.equal(r.address, freed, `${t.name}: the deleted lease was not offered again; ${log()}`);
    for (const a of filled.slice(0, -1)) await cmd(t, 'lease4-del', { 'ip-address': a });
  }

  it('serves every command over the Unix socket while clients are served', async () => {
    assert.ok(L);
    await sweep(unix, 1, L.clients[2]!);
  });

  it('serves every command over HTTP (inside the server namespace) while clients are served', async () => {
    assert.ok(L);
    await sweep(http, 2, L.clients[2]!);
  });

  it('a lease added by API is honoured by the next DHCP exchange (both transports)', async () => {
    assert.ok(L);
    await honoured(unix, L.clients[0]!, ip(105));
    await honoured(http, L.clients[1]!, ip(106));
  });

  it('a lease deleted by API is offered again (both transports)', async () => {
    assert.ok(L);
    await offeredAgain(unix, L.clients[3]!, 0x10);
    await offeredAgain(http, L.clients[4]!, 0x30);
  });

  it('refuses unauthenticated and wrongly authenticated HTTP requests and changes nothing', async () => {
    const before = await leaseCount();
    const body = JSON.stringify({ command: 'lease4-add', arguments: { 'ip-address': ip(50), 'hw-address': '02:cc:00:00:00:01', 'subnet-id': 1 } });
    for (const auth of [null, `${USER}:wrong`, `intruder:${PASSWORD}`, `${USER}`]) {
      const r = await http.send(body, auth);
      assert.equal(r.status, 401, `auth ${auth}: HTTP ${r.status} ${r.raw}`);
    }
    const wipe = await http.send(JSON.stringify({ command: 'lease4-wipe', arguments: { 'subnet-id': 1 } }), null);
    assert.equal(wipe.status, 401);
    assert.equal(await leaseCount(), before, 'a refused request changed the leases');
    await cmd(unix, 'lease4-get', { 'ip-address': ip(50) }, 3);
  });

  it('answers malformed JSON, unknown commands and wrong argument types with precise messages', async () => {
    const cases: [string, number, RegExp][] = [
      ['{"command": "status-get", "arguments": {"a": 1,}}', 1, /^invalid JSON/],
      ['[1, 2]', 1, /expected an object/],
      ['{"arguments": {}}', 1, /command/],
      ['{"command": "frobnicate"}', 2, /^'frobnicate' command not supported/],
      ['{"command": "lease4-get", "arguments": {"ip-address": 12}}', 1, /arguments\.ip-address: expected an IPv4 address, got 12/],
      [`{"command": "lease4-add", "arguments": {"ip-address": "${ip(60)}", "hw-address": 5, "subnet-id": 1}}`, 1, /arguments\.hw-address/],
      ['{"command": "lease4-get-page", "arguments": {"from": "start", "limit": "ten"}}', 1, /arguments\.limit/],
      ['{"command": "lease4-wipe", "arguments": {"subnet-id": -1}}', 1, /arguments\.subnet-id/],
    ];
    const before = await leaseCount();
    for (const t of [unix, http]) {
      for (const [body, result, re] of cases) {
        const r = await t.send(body);
        assert.ok(r.reply, `${t.name} ${body}: no JSON answer: HTTP ${r.status} ${r.raw}`);
        assert.equal(r.reply.result, result, `${t.name} ${body}: ${r.raw}`);
        assert.match(r.reply.text ?? '', re, `${t.name} ${body}`);
      }
    }
    assert.equal(await leaseCount(), before);
  });

  it('answers a client that half-closes after its request (socat does), even for a slow command', async () => {
    assert.ok(L);
    const sock = join(L.lab.tmpdir(), 'ctrl.sock');
    const body = JSON.stringify({ command: 'lease4-add', arguments: { 'ip-address': ip(70), 'hw-address': '02:dd:00:00:00:01', 'subnet-id': 1 } });
    const r = await unixRaw(sock, body, true);
    assert.equal(r.reply?.result, 0, `answer: '${r.raw}'`);
    await cmd(unix, 'lease4-del', { 'ip-address': ip(70) });
  });

  it('both transports covered every command of the issue', () => {
    const all = ['list-commands', 'version-get', 'status-get', 'config-get', 'config-test', 'config-reload', 'config-set',
      'config-write', 'lease4-get', 'lease4-get-all', 'lease4-get-page', 'lease4-get-by-hw-address', 'lease4-get-by-client-id',
      'lease4-get-by-hostname', 'lease4-add', 'lease4-update', 'lease4-del', 'lease4-wipe', 'leases-reclaim', 'reservation-add',
      'reservation-get', 'reservation-get-all', 'reservation-del', 'subnet4-list', 'subnet4-get', 'statistic-get',
      'statistic-get-all', 'statistic-reset', 'dhcp-disable', 'dhcp-enable'];
    for (const t of ['unix', 'http'] as const) {
      assert.deepEqual(all.filter((c) => !covered[t].has(c)), [], `${t} missed commands`);
    }
  });

  it('keeps serving afterwards: a new client gets a pool address, and the CLI client still works', async () => {
    assert.ok(L);
    const c = L.clients[5]!;
    const r = await udhcpc(L.lab, c.ns, c.ifname);
    assert.ok(ipInRange(r.address, POOL[0], POOL[1]), `got ${r.address}; ${log()}`);
    const status = await createControlClient({ socket: join(L.lab.tmpdir(), 'ctrl.sock') }).call('status-get');
    assert.equal(status.result, 0);
  });
});
