// CPU cost of the HA partner path per lease, in-process, no network namespaces (loopback only):
//   build   lease4-bulk-apply command for a batch (the primary)
//   encode  the command as the HTTP body (the primary)
//   parse   JSON body → validated leases (the standby)
//   http    one partner-client request → HA listener → handler answering success, per request
// Run: node --import tsx bench/ha-partner.bench.ts [--batch 20] [--rounds 2000]
import { parseArgs } from 'node:util';
import { cpuUsage } from 'node:process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lease4BulkApply, createPartnerClient, buildAnswer } from '../src/ha/index.ts';
const encodeCommand = (c: unknown): string => JSON.stringify(c);
import type { Lease4 } from '../src/model/index.ts';
import type { Clock } from '../src/util/index.ts';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '20' }, rounds: { type: 'string', default: '3000' } } });
const batchSize = Number(values.batch);
const rounds = Number(values.rounds);

function aLease(i: number): Lease4 {
  const mac = [0x02, 0xce, (i >>> 16) & 255, (i >>> 8) & 255, i & 255, 7].map((b) => b.toString(16).padStart(2, '0')).join(':');
  return {
    address: (0x0a500100 + i) >>> 0, hwAddress: mac, clientId: `01:${mac}`, subnetId: 1,
    cltt: 1795420000 + i, validLifetime: 3600, hostname: '', state: 'default',
  };
}

const batches = Array.from({ length: 64 }, (_, b) => Array.from({ length: batchSize }, (_, i) => aLease(b * batchSize + i)));

/** µs of process CPU (user + system) per lease for `rounds` calls of f. */
function measure(name: string, f: (batch: readonly Lease4[]) => unknown): void {
  for (let i = 0; i < 200; i++) f(batches[i % batches.length]!);
  const before = cpuUsage();
  for (let i = 0; i < rounds; i++) f(batches[i % batches.length]!);
  const used = cpuUsage(before);
  console.log(`${name.padEnd(28)} ${((used.user + used.system) / (rounds * batchSize)).toFixed(2).padStart(7)} µs/lease`);
}

measure('build', (leases) => lease4BulkApply.build({ leases, deletedLeases: [] }));
measure('build + encode', (leases) => encodeCommand(lease4BulkApply.build({ leases, deletedLeases: [] })));
const bodies = batches.map((leases) => encodeCommand(lease4BulkApply.build({ leases, deletedLeases: [] })));
let k = 0;
measure('JSON.parse + parse', () => {
  const r = lease4BulkApply.parse(JSON.parse(bodies[k++ % bodies.length]!));
  if (!r.ok) throw new Error(r.problem.message);
});

// HTTP: a bare node:http server answering what the HA listener answers to a bulk apply.
const answer = JSON.stringify(buildAnswer(0, 'Bulk apply of IPv4 leases completed.'));
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
const clock: Clock = { now: () => Math.floor(Date.now() / 1000), monotonicMs: () => performance.now() } as Clock;
const client = createPartnerClient({
  peer: { name: 'server2', url: `http://127.0.0.1:${port}/`, role: 'standby', autoFailover: true, basicAuthUser: null, basicAuthPassword: null, tls: null } as never,
  sharedSecret: null, clock,
});
const inFlight = 4;
const total = Math.max(200, Math.floor(rounds / 2));
const run = async (n: number): Promise<void> => {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) {
      const leases = batches[next++ % batches.length]!;
      const r = await client.send(lease4BulkApply.build({ leases, deletedLeases: [] }));
      if (!r.ok) throw new Error(r.error);
    }
  }));
};
await run(200);
const before = cpuUsage();
const t0 = performance.now();
await run(total);
const used = cpuUsage(before);
const ms = performance.now() - t0;
console.log(`${'http round trip (both ends)'.padEnd(28)} ${((used.user + used.system) / total).toFixed(1).padStart(7)} µs/request  (${(total / (ms / 1000)).toFixed(0)} requests/s, ${batchSize} leases each)`);
client.close();
server.close();
