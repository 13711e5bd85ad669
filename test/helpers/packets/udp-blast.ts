// Sends a file of prepared UDP payloads, paced and bounded, to a DHCP server's port 67.
// Run inside a lab namespace (node dgram works there):
//   ip netns exec NS node --import tsx test/helpers/packets/udp-blast.ts FILE SERVER_IP RATE MAX_SECONDS
// Prints one JSON line: { sent, errors, errorCodes, ms }.
// File format (writeBlastFile): per packet, 1 byte flags (bit 0 = broadcast), 4 bytes length (BE), bytes.
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type BlastPacket = { readonly bytes: Uint8Array; readonly broadcast: boolean };

export const UDP_BLAST_SCRIPT = fileURLToPath(import.meta.url);

export function encodeBlastFile(packets: readonly BlastPacket[]): Uint8Array {
  let size = 0;
  for (const p of packets) size += 5 + p.bytes.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let at = 0;
  for (const p of packets) {
    out[at] = p.broadcast ? 1 : 0;
    v.setUint32(at + 1, p.bytes.length);
    out.set(p.bytes, at + 5);
    at += 5 + p.bytes.length;
  }
  return out;
}

export function decodeBlastFile(file: Uint8Array): BlastPacket[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: BlastPacket[] = [];
  let at = 0;
  while (at + 5 <= file.length) {
    const len = v.getUint32(at + 1);
    if (at + 5 + len > file.length) throw new Error(`blast file truncated at ${at}`);
    out.push({ broadcast: (file[at]! & 1) === 1, bytes: file.subarray(at + 5, at + 5 + len) });
    at += 5 + len;
  }
  return out;
}

export function writeBlastFile(path: string, packets: readonly BlastPacket[]): void {
  writeFileSync(path, encodeBlastFile(packets));
}

async function main(argv: string[]): Promise<void> {
  const [file, server, rateText, maxText] = argv;
  if (file === undefined || server === undefined) throw new Error('usage: udp-blast FILE SERVER_IP [RATE] [MAX_SECONDS]');
  const rate = Math.max(1, Number(rateText ?? '1000'));
  const deadline = Date.now() + 1000 * Math.max(1, Number(maxText ?? '60'));
  const packets = decodeBlastFile(readFileSync(file));
  const sock = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ port: 68, address: '0.0.0.0' }, () => resolve());
  });
  sock.on('error', () => {});
  sock.setBroadcast(true);
  const started = Date.now();
  let sent = 0;
  let errors = 0;
  const errorCodes: Record<string, number> = {};
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  for (let i = 0; i < packets.length && Date.now() < deadline; i += perTick) {
    const batch = packets.slice(i, i + perTick).map(
      (p) =>
        new Promise<void>((resolve) => {
          sock.send(p.bytes, 67, p.broadcast ? '255.255.255.255' : server, (err) => {
            if (err) {
              errors++;
              const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
              errorCodes[code] = (errorCodes[code] ?? 0) + 1;
            } else sent++;
            resolve();
          });
        }),
    );
    await Promise.all(batch);
    const due = started + ((i + perTick) / perTick) * tickMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  sock.close();
  process.stdout.write(JSON.stringify({ sent, errors, errorCodes, ms: Date.now() - started }) + '\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`udp-blast: ${String(e)}\n`);
    process.exit(1);
  });
}
