// The one Kea-format config file both servers run in a benchmark. Kea-only keys (loggers) are kept:
// tandem ignores them with a warning, which is what its users' own files will look like.
import { writeFileSync } from 'node:fs';

export type BenchConfigOptions = {
  /** the interface both servers listen on */
  interfaceName: string;
  /** the served subnet, e.g. '10.80.0.0/16' */
  subnet: string;
  /** the pool, e.g. '10.80.1.0 - 10.80.255.254' */
  pool: string;
  router: string;
  leaseFile: string;
  /** Kea's own log file (tandem ignores `loggers`) */
  keaLogFile: string;
  socketType: 'udp' | 'raw';
  validLifetime?: number;
  /** HA pair runs: this server's part of a hot-standby relationship, written where Kea reads it */
  ha?: BenchHaOptions;
};

export type BenchHaOptions = {
  thisServer: 'server1' | 'server2';
  /** partner urls: Kea's go to each server's kea-ctrl-agent, tandem listens on them itself */
  primaryUrl: string;
  standbyUrl: string;
  /** unix control socket of this server (Kea's ctrl-agent forwards to it; tandem serves it too) */
  controlSocket: string;
  /** where Kea's hook libraries live */
  hooksDir: string;
};

/**
 * The relationship both servers read, in Kea 2.2's own form (hook libraries with parameters), so the
 * same file runs Kea and tandem. Kea's defaults for the timers, except a heartbeat every 2 s so a
 * pair is up quickly; no authentication on either side (Kea 2.2 has none between partners without
 * basic-auth at the agent, tandem's shared-secret is left out to compare like with like).
 */
export function benchHaHooks(h: BenchHaOptions): Record<string, unknown> {
  return {
    'control-socket': { 'socket-type': 'unix', 'socket-name': h.controlSocket },
    'hooks-libraries': [
      { library: `${h.hooksDir}/libdhcp_lease_cmds.so` },
      {
        library: `${h.hooksDir}/libdhcp_ha.so`,
        parameters: {
          'high-availability': [{
            'this-server-name': h.thisServer,
            mode: 'hot-standby',
            'heartbeat-delay': 2000,
            'max-response-delay': 10000,
            'max-ack-delay': 5000,
            'max-unacked-clients': 0,
            peers: [
              { name: 'server1', url: h.primaryUrl, role: 'primary', 'auto-failover': true },
              { name: 'server2', url: h.standbyUrl, role: 'standby', 'auto-failover': true },
            ],
          }],
        },
      },
    ],
  };
}

export function benchConfig(o: BenchConfigOptions): { Dhcp4: Record<string, unknown> } {
  const valid = o.validLifetime ?? 3600;
  return {
    Dhcp4: {
      'interfaces-config': { interfaces: [o.interfaceName], 'dhcp-socket-type': o.socketType },
      'lease-database': { type: 'memfile', name: o.leaseFile, persist: true, 'lfc-interval': 0 },
      'valid-lifetime': valid,
      'renew-timer': Math.floor(valid / 2),
      'rebind-timer': Math.floor((valid * 7) / 8),
      subnet4: [{
        id: 1,
        subnet: o.subnet,
        pools: [{ pool: o.pool }],
        'option-data': [{ name: 'routers', data: o.router }],
      }],
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: o.keaLogFile }], severity: 'WARN' }],
      ...(o.ha ? benchHaHooks(o.ha) : {}),
    },
  };
}

export function writeBenchConfig(path: string, o: BenchConfigOptions): void {
  writeFileSync(path, JSON.stringify(benchConfig(o), null, 2) + '\n');
}
