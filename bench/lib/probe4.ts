// Readiness probe, run inside the client namespace: acts as a relay agent (bound to RELAY:67,
// giaddr RELAY) and sends a DISCOVER to SERVER:67 every INTERVAL ms until an OFFER comes back.
// Prints `ready` once its socket is bound, then `offer <epoch ms>` and exits 0; exits 1 on timeout.
//   node --import tsx bench/lib/probe4.ts SERVER RELAY TIMEOUT_MS [INTERVAL_MS]
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';

const [server = '', relay = '', timeoutArg = '30000', intervalArg = '10'] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg);
const intervalMs = Number(intervalArg);

const ip4Bytes = (s: string): number[] => s.split('.').map(Number);

function discover(xid: Buffer, giaddr: string, mac: Buffer): Buffer {
  const b = Buffer.alloc(300);
  b[0] = 1; // BOOTREQUEST
  b[1] = 1; // htype ethernet
  b[2] = 6; // hlen
  b[3] = 1; // hops: relayed once
  xid.copy(b, 4);
  Buffer.from(ip4Bytes(giaddr)).copy(b, 24);
  mac.copy(b, 28);
  b.writeUInt32BE(0x63825363, 236); // magic cookie
  Buffer.from([53, 1, 1, 255]).copy(b, 240); // DHCPDISCOVER, END
  return b;
}

const sock = createSocket({ type: 'udp4', reuseAddr: true });
const xid = randomBytes(4);
const mac = Buffer.from([0x02, 0x7b, 0xff, ...randomBytes(3)]);
const packet = discover(xid, relay, mac);
let timer: NodeJS.Timeout | undefined;
const deadline = setTimeout(() => {
  process.stdout.write('timeout\n');
  process.exit(1);
}, timeoutMs);

sock.on('message', (msg) => {
  // An OFFER: BOOTREPLY with our xid and option 53 = 2 right after the cookie (servers put it first;
  // accept it anywhere in the first options to be safe).
  if (msg.length < 244 || msg[0] !== 2 || !msg.subarray(4, 8).equals(xid)) return;
  const opts = msg.subarray(240);
  for (let i = 0; i + 2 < opts.length; ) {
    const code = opts[i]!;
    if (code === 0) { i++; continue; }
    if (code === 255) break;
    const len = opts[i + 1]!;
    if (code === 53 && len === 1 && opts[i + 2] === 2) {
      process.stdout.write(`offer ${Date.now()}\n`);
      clearInterval(timer);
      clearTimeout(deadline);
      sock.close();
      return;
    }
    i += 2 + len;
  }
});
sock.on('error', (e) => {
  process.stderr.write(`probe: ${String(e)}\n`);
  process.exit(2);
});
sock.bind(67, relay, () => {
  process.stdout.write('ready\n');
  const send = (): void => {
    sock.send(packet, 67, server, () => {});
  };
  send();
  timer = setInterval(send, intervalMs);
});
