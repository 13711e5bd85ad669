import type { Clock, Ip4 } from '../util/index.ts';
import { formatIp4, systemClock } from '../util/index.ts';
import type { Config4 } from '../model/index.ts';
import { ConfigError, checkConfig4File, formatConfigIssue } from '../config/index.ts';
import { createLeaseStore } from '../store/index.ts';
import type { LeaseStore } from '../store/index.ts';
import { AllocEngine4, createReclaimer4 } from '../alloc/index.ts';
import { createProcessor4 } from '../dhcp4/index.ts';
import type { Processor4 } from '../dhcp4/index.ts';
import type { Logger, Stats } from '../obs/index.ts';
import { createStats } from '../obs/index.ts';
import { createUdpTransport4 } from '../transport/index.ts';
import type { Inbound4, Transport4 } from '../transport/index.ts';
import { trackSubnetStats } from './subnet-stats.ts';

export type Server4Options = {
  readonly configPath: string;
  readonly log: Logger;
  readonly clock?: Clock;
  /** For tests: a transport other than the UDP one. */
  readonly createTransport?: (config: Config4) => Transport4;
};

export interface Server4 {
  readonly stats: Stats;
  readonly store: LeaseStore;
  config(): Config4;
  /** Re-reads the config file; a bad one is logged and the running one kept. Resolves true when applied. */
  reload(): Promise<boolean>;
  /** Stops receiving, waits for in-flight exchanges, flushes the store. */
  stop(): Promise<void>;
}

/** The composition root for a DHCPv4 server: config → store → engine → processor → transport. */
export async function startServer4(options: Server4Options): Promise<Server4> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  let config = await loadOrThrow(options.configPath, log);
  const stats = createStats();
  const store = await createLeaseStore(config.leaseDatabase, { clock, log: (id, fields) => log.log(id, fields) });
  const engine = new AllocEngine4({ store, clock });
  await engine.load(config.subnets);
  const subnetStats = await trackSubnetStats(store, stats, engine, () => config.subnets);
  const transport = options.createTransport?.(config) ?? createUdpTransport4({
    interfaces: config.interfaces, log: (id, fields) => log.log(id, fields),
  });
  const isOwnAddress = (address: Ip4) => transport.links().some((l) => l.address === address);
  let processor: Processor4 = createProcessor4({ config, engine, stats, log, isOwnAddress });
  const reclaimer = createReclaimer4({
    store, clock, settings: config.expiredLeasesProcessing,
    onReclaimed: (r) => log.log('ALLOC_LEASES_RECLAIMED', r),
  });
  const inflight = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];

  const handle = async (packet: Inbound4) => {
    const outcome = await processor.process(packet);
    if (outcome.kind !== 'reply') return;
    if (outcome.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, outcome.delayMs));
    try {
      await transport.send(packet.link, outcome.data, outcome.route);
    } catch (error) {
      stats.add('pkt4-send-fail');
      log.log('DHCP4_PACKET_SEND_FAIL', { link: packet.link.ifname, route: outcome.route.kind, error: String(error) });
    }
  };
  await transport.start((packet) => {
    const work = handle(packet).catch((error) => {
      log.log('DHCP4_PACKET_PROCESSING_FAILED', { error: String(error) });
    });
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  });
  reclaimer.start();
  timers.push(setInterval(() => engine.sweep(), 5000).unref());
  log.log('DHCP4_STARTED', {
    config: options.configPath, subnets: config.subnets.length,
    links: transport.links().map((l) => `${l.ifname}/${formatIp4(l.address)}`),
  });

  let stopping: Promise<void> | null = null;
  return {
    stats, store,
    config: () => config,
    async reload() {
      let next: Config4;
      try {
        next = await loadOrThrow(options.configPath, log);
      } catch (error) {
        log.log('DHCP4_CONFIG_RELOAD_FAIL', { error: error instanceof Error ? error.message : String(error) });
        return false;
      }
      if (JSON.stringify(next.leaseDatabase) !== JSON.stringify(config.leaseDatabase)) {
        log.log('DHCP4_CONFIG_RELOAD_FAIL', { error: 'lease-database settings changed; they take effect only after a restart' });
        return false;
      }
      try {
        await engine.load(next.subnets);
        await transport.reconfigure(next.interfaces);
      } catch (error) {
        await engine.load(config.subnets);
        log.log('DHCP4_CONFIG_RELOAD_FAIL', { error: String(error) });
        return false;
      }
      config = next;
      processor = createProcessor4({ config, engine, stats, log, isOwnAddress });
      await subnetStats.refresh();
      log.log('DHCP4_CONFIG_RELOADED', { subnets: config.subnets.length });
      return true;
    },
    stop() {
      stopping ??= (async () => {
        log.log('DHCP4_SHUTDOWN_REQUEST', { inflight: inflight.size });
        for (const t of timers) clearInterval(t);
        reclaimer.stop();
        await transport.close();
        await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => setTimeout(r, 10_000).unref())]);
        subnetStats.close();
        engine.close();
        await store.close();
        log.log('DHCP4_SHUTDOWN', { stats: stats.snapshot() });
      })();
      return stopping;
    },
  };
}

/** Reads and validates the config; warnings are logged, errors logged and thrown as one ConfigError. */
async function loadOrThrow(path: string, log: Logger): Promise<Config4> {
  const { config, issues } = await checkConfig4File(path);
  for (const issue of issues) {
    log.log(issue.severity === 'error' ? 'DHCP4_CONFIG_RELOAD_FAIL' : 'DHCP4_CONFIG_WARNING', {}, formatConfigIssue(issue));
  }
  if (config === null) throw new ConfigError(issues);
  return config;
}
