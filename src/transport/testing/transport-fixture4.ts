/**
 * Runs createUdpTransport4 in a child process (started inside a network namespace by
 * udp-transport4.test.ts) and speaks JSON lines:
 *   argv[2]  JSON { interfaces: [{ name, address: "a.b.c.d" | null }], serverPort, rescanMs }
 *   stdout   {"event":"ready","links":[…]} | {"event":"packet",ifname,address,source,sourcePort,data}
 *            | {"event":"log",id,…fields} | {"event":"sent",id} | {"event":"send-failed",id,code}
 *            | {"event":"links",links} | {"event":"start-failed",code,message}
 *   stdin    {"op":"send",id,ifname,data,route:{kind,to?,hwAddress?,port}} | {"op":"links"}
 *            | {"op":"reconfigure",interfaces:[…]}
 *   Payloads are latin-1 text in both directions. Closing stdin closes the transport and exits.
 */
import { createInterface } from 'node:readline';
import type { InterfaceSpec, ReplyRoute4 } from '../../model/index.ts';
import { formatIp4, parseIp4, parseHex } from '../../util/index.ts';
import { createUdpTransport4 } from '../index.ts';
import type { Link4 } from '../index.ts';

type SpecJson = { name: string; address: string | null };
type RouteJson = { kind: ReplyRoute4['kind']; to?: string; hwAddress?: string; port: number };

const out = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
const specs = (list: SpecJson[]): InterfaceSpec[] =>
  list.map((s) => ({ name: s.name, address: s.address === null ? null : parseIp4(s.address) }));
const linkJson = (l: Link4) => ({ ifname: l.ifname, address: formatIp4(l.address), prefixLength: l.prefixLength });

function route(r: RouteJson): ReplyRoute4 {
  const to = parseIp4(r.to ?? '') ?? 0;
  switch (r.kind) {
    case 'broadcast': return { kind: 'broadcast', port: r.port };
    case 'relay': return { kind: 'relay', to, port: r.port };
    case 'unicast': return { kind: 'unicast', to, port: r.port };
    case 'unicast-hw': return { kind: 'unicast-hw', to, hwAddress: parseHex(r.hwAddress ?? '') ?? new Uint8Array(0), port: r.port };
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as { interfaces: SpecJson[]; serverPort?: number; rescanMs?: number };
const transport = createUdpTransport4({
  interfaces: specs(config.interfaces),
  serverPort: config.serverPort ?? 67,
  rescanMs: config.rescanMs ?? 5000,
  log: (id, fields) => out({ event: 'log', id, ...fields }),
});

try {
  await transport.start((p) => {
    out({
      event: 'packet', ifname: p.link.ifname, address: formatIp4(p.link.address),
      source: formatIp4(p.source.address), sourcePort: p.source.port, data: Buffer.from(p.data).toString('latin1'),
    });
  });
} catch (error) {
  out({ event: 'start-failed', code: (error as { code?: string }).code, message: String(error) });
  process.exit(1);
}
out({ event: 'ready', links: transport.links().map(linkJson) });

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const cmd = JSON.parse(line) as { op: string; id?: number; ifname?: string; data?: string; route?: RouteJson; interfaces?: SpecJson[] };
  if (cmd.op === 'links') {
    out({ event: 'links', links: transport.links().map(linkJson) });
  } else if (cmd.op === 'reconfigure') {
    void transport.reconfigure(specs(cmd.interfaces ?? [])).then(() => out({ event: 'links', links: transport.links().map(linkJson) }));
  } else if (cmd.op === 'send') {
    const link = transport.links().find((l) => l.ifname === cmd.ifname) ?? { ifname: cmd.ifname ?? '', address: 0, prefixLength: 0, mac: null };
    transport.send(link, Buffer.from(cmd.data ?? '', 'latin1'), route(cmd.route!)).then(
      () => out({ event: 'sent', id: cmd.id }),
      (error: unknown) => out({ event: 'send-failed', id: cmd.id, code: (error as { code?: string }).code, message: String(error) }),
    );
  }
});
input.on('close', () => {
  void transport.close().then(() => process.exit(0));
});
