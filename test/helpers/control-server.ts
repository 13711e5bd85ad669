// Test support (not exported from index.ts): a real DHCPv4 server on a fake transport, with a
// temp-dir config and journal, and a control handler on top. Socket-free (R11).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIp4, parseHex, parseIp4 } from '../../src/util/index.ts';
import { Opt4, createMessage4, decodeMessage4, encodeMessage4 } from '../../src/codec/index.ts';
import type { Message4 } from '../../src/codec/index.ts';
import { createMemoryLogger } from '../../src/obs/index.ts';
import { startServer4 } from '../../src/runtime/index.ts';
import { createFakeTransport4 } from '../../src/transport/index.ts';
import { createControlHandler } from '../../src/control/index.ts';
import type { CallContext, ControlResponse } from '../../src/control/index.ts';

export const ip = (text: string): number => {
  const v = parseIp4(text);
  if (v === null) throw new Error(`bad address in test: ${text}`);
  return v;
};

export const TEST_CALL: CallContext = { via: 'internal', user: 'tester', remote: null };

export function twoSubnetConfig(dir: string, pool1 = '10.0.0.10 - 10.0.0.20'): object {
  return {
    Dhcp4: {
      'interfaces-config': { interfaces: ['v1'] },
      'lease-database': { type: 'memfile', name: join(dir, 'leases4.jsonl'), 'lfc-interval': 0 },
      'valid-lifetime': 3600,
      subnet4: [
        { id: 1, subnet: '10.0.0.0/24', interface: 'v1', pools: [{ pool: pool1 }] },
        { id: 2, subnet: '192.0.2.0/24', relay: { 'ip-addresses': ['192.0.2.1'] }, pools: [{ pool: '192.0.2.100 - 192.0.2.110' }] },
      ],
    },
  };
}

function discover(mac: string): Uint8Array {
  const chaddr = new Uint8Array(16);
  chaddr.set(parseHex(mac)!);
  const m = createMessage4({ op: 1, htype: 1, hlen: 6, xid: Math.floor(Math.random() * 0xffffffff), flags: 0, ciaddr: 0, giaddr: 0, chaddr });
  m.options.set(Opt4.MESSAGE_TYPE, Uint8Array.of(1));
  m.options.set(Opt4.PARAMETER_REQUEST_LIST, Uint8Array.of(1, 3, 6));
  return encodeMessage4(m);
}

/** Starts a server in a temp dir; `close()` stops it and removes the dir. */
export async function aControlledServer(config?: (dir: string) => object) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-ctl-'));
  const path = join(dir, 'tandem.json');
  writeFileSync(path, JSON.stringify((config ?? twoSubnetConfig)(dir), null, 2));
  const transport = createFakeTransport4({ links: [{ ifname: 'v1', address: ip('10.0.0.1'), prefixLength: 24, mac: null }] });
  const log = createMemoryLogger();
  let shutdownRequested = 0;
  const server = await startServer4({ configPath: path, log, createTransport: () => transport, onShutdownRequest: () => { shutdownRequested++; } });
  const handler = createControlHandler(server, { log });
  const call = (command: string, args?: unknown): Promise<ControlResponse> =>
    handler.handle(args === undefined ? { command } : { command, arguments: args }, TEST_CALL);
  /** Sends a DISCOVER through the fake transport; resolves to the offered address, or null. */
  const offer = async (mac: string): Promise<string | null> => {
    const before = transport.sent.length;
    const received = server.stats.get('pkt4-received');
    const buf = discover(mac);
    transport.inject({ data: buf, link: transport.links()[0]!, source: { address: 0, port: 68 }, receivedAtMs: 0 });
    for (let i = 0; i < 200 && server.stats.get('pkt4-received') === received; i++) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 40 && transport.sent.length === before; i++) await new Promise((r) => setTimeout(r, 5));
    const sent = transport.sent[before];
    if (sent === undefined) return null;
    const m: Message4 = decodeMessage4(sent.data);
    return formatIp4(m.yiaddr);
  };
  return {
    dir, path, server, handler, log, call, offer,
    shutdownRequests: () => shutdownRequested,
    async close() {
      try { await server.stop(); } finally { rmSync(dir, { recursive: true, force: true }); }
    },
  };
}
