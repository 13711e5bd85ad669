// The README's demo: tandem serving real DHCP clients on a LAN built from network namespaces.
// Three clients (ISC dhclient, busybox udhcpc, dhcpcd) share a bridge with the server; one has a
// reservation. Then the server is killed with SIGKILL and restarted: the leases are still there and
// the clients renew the same addresses. Everything runs inside namespaces this script creates and
// removes; nothing is sent on this machine's own interfaces.
import { dhclient, dhcpcd, singleLinkLab, startServer, udhcpc } from '../test/helpers/lab/index.ts';
import type { ClientResult, KeaLease, ServerHandle } from '../test/helpers/lab/index.ts';

const say = (text: string) => process.stdout.write(`\n== ${text}\n`);

function packetLines(server: ServerHandle, from: number): string[] {
  return server.output().split('\n').slice(from).flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { id?: string; msg?: string };
      return entry.id === 'DHCP4_PACKET' || entry.id?.startsWith('ALLOC_') ? [`   tandem: ${entry.msg}`] : [];
    } catch {
      return [];
    }
  });
}

function showClient(name: string, r: ClientResult): void {
  process.stdout.write(`   ${name.padEnd(8)} got ${r.address ?? 'NOTHING'}  routers=${r.routers.join(',')}  dns=${r.dns.join(',')}`
    + `  domain=${r.domain ?? ''}  ntp=${r.ntp.join(',')}${r.hostname ? `  hostname=${r.hostname}` : ''}\n`);
}

function showLeases(leases: KeaLease[]): void {
  for (const l of leases) process.stdout.write(`   lease ${l['ip-address'].padEnd(13)} ${l['hw-address']}  ${l.hostname || '-'}  state=${l.state}\n`);
}

const { lab, server: serverNs, serverIf, clients } = await singleLinkLab({ clients: 3, serverAddr: '10.77.0.1/24' });
let exitCode = 0;
try {
  const [c1, c2, c3] = clients as [typeof clients[0], typeof clients[0], typeof clients[0]];
  const dhcp4 = {
    'interfaces-config': { interfaces: [serverIf] },
    'valid-lifetime': 600,
    authoritative: true,
    'option-data': [
      { name: 'domain-name-servers', data: '10.77.0.53, 10.77.0.54' },
      { name: 'domain-name', data: 'demo.example' },
      { name: 'ntp-servers', data: '10.77.0.123' },
    ],
    subnet4: [{
      id: 1, subnet: '10.77.0.0/24', interface: serverIf,
      pools: [{ pool: '10.77.0.100 - 10.77.0.199' }],
      'option-data': [{ name: 'routers', data: '10.77.0.1' }],
      reservations: [{ 'hw-address': c3.mac, 'ip-address': '10.77.0.10', hostname: 'printer' }],
    }],
  };
  say(`a LAN in namespaces ${lab.prefix}*: tandem on ${serverIf} 10.77.0.1/24, three clients on the same bridge`);
  const server = await startServer(lab, serverNs, dhcp4, { kind: 'tandem' });
  let mark = 0;
  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const result = await run();
    for (const line of packetLines(server, mark)) process.stdout.write(line + '\n');
    mark = server.output().split('\n').length - 1;
    return result;
  };

  say('each client asks for an address');
  const r1 = await step('dhclient', () => dhclient(lab, c1.ns, c1.ifname, { hostname: 'laptop' }));
  const r2 = await step('udhcpc', () => udhcpc(lab, c2.ns, c2.ifname));
  const r3 = await step('dhcpcd', () => dhcpcd(lab, c3.ns, c3.ifname, { noArp: true }));
  showClient('dhclient', r1); showClient('udhcpc', r2); showClient('dhcpcd', r3);
  say('tandem leases (from the journal on disk)');
  showLeases(await server.leases());

  say('kill -9 the server, then start it again');
  await server.kill9();
  await server.start();
  mark = server.output().split('\n').length - 1;
  showLeases(await server.leases());

  say('the clients ask again and keep their addresses');
  const again = [
    await step('dhclient', () => dhclient(lab, c1.ns, c1.ifname, { hostname: 'laptop' })),
    await step('udhcpc', () => udhcpc(lab, c2.ns, c2.ifname)),
    await step('dhcpcd', () => dhcpcd(lab, c3.ns, c3.ifname, { noArp: true })),
  ];
  showClient('dhclient', again[0]!); showClient('udhcpc', again[1]!); showClient('dhcpcd', again[2]!);
  const same = [r1, r2, r3].every((r, i) => r.address !== null && r.address === again[i]!.address);
  say(same ? 'every client kept its address across the crash' : 'a client did NOT keep its address');
  if (!same) exitCode = 1;
  await server.stop();
} catch (error) {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  exitCode = 1;
} finally {
  await lab.destroy();
}
process.exit(exitCode);
