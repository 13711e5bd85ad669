// The benchmark network: a server namespace holding a bridge with several veth ports, a client
// namespace (perfdhcp) on one port, and a spare peer namespace on another so later HA runs can add a
// second server on the same link, plus a separate veth pair between the server and the peer namespace
// (`ha0`, 10.81.0.1/30 - 10.81.0.2/30) that carries the HA partner traffic. Built on the e2e lab, so teardown (even on SIGINT or a crash) and
// the stale-namespace sweep are the lab's.
import { createLab } from '../../test/helpers/lab/index.ts';
import type { Lab, Ns } from '../../test/helpers/lab/index.ts';

export type BenchLab = {
  readonly lab: Lab;
  /** namespace of the server under test; its link is the bridge `br0` */
  readonly server: Ns;
  /** namespace for a second server (HA), plugged into the same bridge; idle in single-server runs */
  readonly peer: Ns;
  /** namespace where perfdhcp and the probe run; interface `eth0` */
  readonly client: Ns;
  readonly serverIf: string;
  readonly clientIf: string;
  readonly serverIp: string;
  readonly peerIp: string;
  /** the client's own address: the relay address (giaddr) in relay mode */
  readonly clientIp: string;
  /** the subnet every server config serves, e.g. 10.80.0.0/16 */
  readonly subnet: string;
  readonly prefixLength: number;
  /** the HA link (`ha0` in both the server and the peer namespace) */
  readonly haIf: string;
  readonly serverHaIp: string;
  readonly peerHaIp: string;
};

export type BenchLabOptions = {
  /** first two octets of the /16 (default '10.80') */
  net16?: string;
  /** a wider prefix for the link when the pool is larger (scale runs use /12) */
  prefixLength?: number;
};

export async function createBenchLab(o: BenchLabOptions = {}): Promise<BenchLab> {
  const net = o.net16 ?? '10.80';
  const len = o.prefixLength ?? 16;
  const lab = await createLab();
  try {
    const server = await lab.namespace('s');
    const peer = await lab.namespace('p');
    const client = await lab.namespace('c');
    const serverIp = `${net}.0.1`;
    const peerIp = `${net}.0.2`;
    const clientIp = `${net}.0.3`;
    await lab.veth(server, 'p1', client, 'eth0', { bMac: '02:7b:00:00:00:03', bAddr: `${clientIp}/${len}` });
    await lab.veth(server, 'p2', peer, 'eth0', { bMac: '02:7b:00:00:00:02', bAddr: `${peerIp}/${len}` });
    await lab.bridge(server, 'br0', ['p1', 'p2'], `${serverIp}/${len}`);
    const serverHaIp = '10.81.0.1';
    const peerHaIp = '10.81.0.2';
    await lab.veth(server, 'ha0', peer, 'ha0', { aAddr: `${serverHaIp}/30`, bAddr: `${peerHaIp}/30` });
    return {
      lab, server, peer, client, serverIf: 'br0', clientIf: 'eth0', serverIp, peerIp, clientIp,
      subnet: `${net}.0.0/${len}`, prefixLength: len, haIf: 'ha0', serverHaIp, peerHaIp,
    };
  } catch (e) {
    await lab.destroy();
    throw e;
  }
}
