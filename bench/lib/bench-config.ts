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
};

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
    },
  };
}

export function writeBenchConfig(path: string, o: BenchConfigOptions): void {
  writeFileSync(path, JSON.stringify(benchConfig(o), null, 2) + '\n');
}
