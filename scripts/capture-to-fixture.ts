// pcap (Ethernet, IPv4, UDP) → test fixture: `# source:` / `# what:` header lines, then the UDP payload in hex.
//   node --import tsx scripts/capture-to-fixture.ts capture.pcap                       lists the UDP packets
//   node --import tsx scripts/capture-to-fixture.ts capture.pcap N out.hex 'source' 'what'   writes packet N (1-based)
import { readFileSync, writeFileSync } from 'node:fs';

type UdpPacket = { srcPort: number; dstPort: number; payload: Uint8Array };

function readPcap(bytes: Uint8Array): UdpPacket[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const little = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  if (!little && magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error('not a pcap file');
  const linkType = view.getUint32(20, little);
  if (linkType !== 1) throw new Error(`link type ${linkType} is not Ethernet`);
  const out: UdpPacket[] = [];
  for (let pos = 24; pos + 16 <= bytes.length; ) {
    const capLen = view.getUint32(pos + 8, little);
    const frame = bytes.subarray(pos + 16, pos + 16 + capLen);
    pos += 16 + capLen;
    let at = 12;
    let etherType = (frame[at]! << 8) | frame[at + 1]!;
    if (etherType === 0x8100) { at += 4; etherType = (frame[at]! << 8) | frame[at + 1]!; }
    if (etherType !== 0x0800) continue;
    const ip = frame.subarray(at + 2);
    if (ip[9] !== 17) continue;
    const udp = ip.subarray((ip[0]! & 15) * 4);
    const udpLen = (udp[4]! << 8) | udp[5]!;
    out.push({ srcPort: (udp[0]! << 8) | udp[1]!, dstPort: (udp[2]! << 8) | udp[3]!, payload: udp.subarray(8, udpLen) });
  }
  return out;
}

function toHexLines(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 32) {
    lines.push(Array.from(bytes.subarray(i, i + 32), (b) => b.toString(16).padStart(2, '0')).join(''));
  }
  return lines.join('\n');
}

const [pcapPath, index, outPath, source, what] = process.argv.slice(2);
if (pcapPath === undefined) {
  console.error('usage: capture-to-fixture.ts capture.pcap [N out.hex source what]');
  process.exit(2);
}
const packets = readPcap(new Uint8Array(readFileSync(pcapPath)));
if (index === undefined || outPath === undefined) {
  packets.forEach((p, i) => console.log(`${i + 1}\t${p.srcPort} → ${p.dstPort}\t${p.payload.length} bytes`));
} else {
  const packet = packets[Number(index) - 1];
  if (packet === undefined) throw new Error(`no packet ${index}`);
  writeFileSync(outPath, `# source: ${source ?? pcapPath}\n# what: ${what ?? ''}\n${toHexLines(packet.payload)}\n`);
}
