import type { Clock, Ip4 } from '../util/index.ts';
import { formatIp4, systemClock } from '../util/index.ts';
import type { Config4 } from '../model/index.ts';
import { ConfigError } from '../config/index.ts';
import { createLeaseStore } from '../store/index.ts';
import { AllocEngine4, createReclaimer4 } from '../alloc/index.ts';
import type { Reclaimer4 } from '../alloc/index.ts';
import { createProcessor4 } from '../dhcp4/index.ts';
import type { Processor4 } from '../dhcp4/index.ts';
import type { Logger } from '../obs/index.ts';
import { createHistogram, createStats } from '../obs/index.ts';
import type { ConfigOutcome, ServerApi } from '../control/index.ts';
import { createUdpTransport4 } from '../transport/index.ts';
import type { Inbound4, Transport4 } from '../transport/index.ts';
import { VERSION } from './version.ts';
import { parseConfigJson, readConfigFile, writeConfigJson } from './config-source.ts';
import type { ConfigAttempt, LoadedConfig } from './config-source.ts';
import { trackSubnetStats } from './subnet-stats.ts';
import { timeLeaseStore } from './timed-store.ts';
import { startControl } from './control-wiring.ts';
import type { ControlWiring } from './control-wiring.ts';
import { createHaWiring, haReloadIssue } from './ha-wiring.ts';

export type Server4Options = {
  readonly configPath: string;
  readonly log: Logger;
  readonly clock?: Clock;
  /** For tests: a transport other than the UDP one. */
  readonly createTransport?: (config: Config4) => Transport4;
  /** Called when a `shutdown` command asks the server to stop. */
  readonly onShutdownRequest?: () => void;
};

/** A running DHCPv4 server: everything the control API needs, plus stop. */
export interface Server4 extends ServerApi {
  /** Re-reads the config file; a bad one is logged and the running one kept. Resolves true when applied. */
  reload(): Promise<boolean>;
  /** Stops receiving, waits for in-flight exchanges, flushes the store. */
  stop(): Promise<void>;
}

/** Exchanges in progress at once; past this, new packets are dropped and counted as `overload`. */
const MAX_INFLIGHT = 4096;

/** The composition root for a DHCPv4 server: config → store → engine → processor → transport. */
export async function startServer4(options: Server4Options): Promise<Server4> {
  const { log, configPath } = options;
  const clock = options.clock ?? systemClock;
  const first = await readConfigFile(configPath, log);
  if (first.loaded === null) throw new ConfigError([...first.issues]);
  let current: LoadedConfig = first.loaded;
  let lastConfigAt = clock.now();
  const stats = createStats();
  const storeWrites = createHistogram();
  const store = timeLeaseStore(
    await createLeaseStore(current.config.leaseDatabase, { clock, log: (id, fields) => log.log(id, fields) }), storeWrites);
  const engine = new AllocEngine4({ store, clock });
  await engine.load(current.config.subnets);
  const subnetStats = await trackSubnetStats(store, stats, engine, () => current.config.subnets);
  const transport = options.createTransport?.(current.config) ?? createUdpTransport4({
    interfaces: current.config.interfaces, log: (id, fields) => log.log(id, fields),
  });
  const isOwnAddress = (address: Ip4) => transport.links().some((l) => l.address === address);
  let serving = true;
  let enableTimer: NodeJS.Timeout | null = null;
  // High availability: null without a relationship in the config (nothing of HA is installed then).
  const ha = createHaWiring(current.config, current.json, {
    store, engine, clock, log, setServing: (enabled, origin) => server.setServing(enabled, { origin }),
    configJson: () => current.json, setConfig: (json) => server.setConfig(json),
  });
  const makeProcessor = (config: Config4): Processor4 =>
    createProcessor4({ config, engine, stats, log, isOwnAddress, serving: () => serving, ...(ha !== null ? { hooks: ha.hooks } : {}) });
  const makeReclaimer = (config: Config4): Reclaimer4 => createReclaimer4({
    store, clock, settings: config.expiredLeasesProcessing,
    onReclaimed: (r) => log.log('ALLOC_LEASES_RECLAIMED', r),
    onFailed: (kind, error) => log.log('ALLOC_RECLAIM_FAILED', { kind, error: String(error) }),
  });
  let processor = makeProcessor(current.config);
  let reclaimer = makeReclaimer(current.config);
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

  /** Config changes (SIGHUP, config-set, reservation edits) are applied one at a time, never failing loudly. */
  let applying: Promise<unknown> = Promise.resolve();
  function apply(attempt: ConfigAttempt, how: string): Promise<ConfigOutcome> {
    const run = applying.then(() => applyNow(attempt, how)).catch((error: unknown): ConfigOutcome => {
      log.log('DHCP4_CONFIG_RELOAD_FAIL', { how, error: String(error) });
      return { ok: false, issues: [{ path: '', severity: 'error', message: `could not apply: ${String(error)}` }] };
    });
    applying = run;
    return run;
  }

  /** Applies a validated config: everything new is built beside the old, then swapped (R9). */
  async function applyNow(attempt: ConfigAttempt, how: string): Promise<ConfigOutcome> {
    if (attempt.loaded === null) {
      log.log('DHCP4_CONFIG_RELOAD_FAIL', { how, errors: attempt.issues.filter((i) => i.severity === 'error').length });
      return { ok: false, issues: attempt.issues };
    }
    const next = attempt.loaded;
    if (JSON.stringify(next.config.leaseDatabase) !== JSON.stringify(current.config.leaseDatabase)) {
      const issue = { path: 'Dhcp4.lease-database', severity: 'error' as const, message: 'lease-database settings take effect only after a restart' };
      log.log('DHCP4_CONFIG_RELOAD_FAIL', { how, error: issue.message });
      return { ok: false, issues: [issue] };
    }
    const haIssue = haReloadIssue(current.config, next.config);
    if (haIssue !== null) {
      log.log('DHCP4_CONFIG_RELOAD_FAIL', { how, error: haIssue.message });
      return { ok: false, issues: [haIssue] };
    }
    try {
      await engine.load(next.config.subnets);
      await transport.reconfigure(next.config.interfaces);
      await control?.reconfigure(next.config.controlSockets, next.config.ha);
    } catch (error) {
      await engine.load(current.config.subnets);
      log.log('DHCP4_CONFIG_RELOAD_FAIL', { how, error: String(error) });
      return { ok: false, issues: [{ path: '', severity: 'error', message: `could not apply: ${String(error)}` }] };
    }
    current = next;
    ha?.setSubnets(current.config.subnets);
    ha?.configChanged(current.json);
    lastConfigAt = clock.now();
    processor = makeProcessor(current.config);
    reclaimer.stop();
    reclaimer = makeReclaimer(current.config);
    reclaimer.start();
    await subnetStats.refresh();
    log.log('DHCP4_CONFIG_RELOADED', { how, subnets: current.config.subnets.length });
    return { ok: true };
  }

  await transport.start((packet) => {
    if (inflight.size >= MAX_INFLIGHT) {
      // Overload: shed at the door rather than queue without bound (clients retransmit).
      stats.add('pkt4-received');
      stats.add('pkt4-receive-drop');
      stats.add('pkt4-receive-drop.overload');
      return;
    }
    const work = handle(packet).catch((error) => {
      log.log('DHCP4_PACKET_PROCESSING_FAILED', { error: String(error) });
    });
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  });
  reclaimer.start();
  timers.push(setInterval(() => engine.sweep(), 5000).unref());

  let stopping: Promise<void> | null = null;
  let control: ControlWiring | null = null;
  const server: Server4 = {
    version: VERSION,
    startedAt: clock.now(),
    lastConfigAt: () => lastConfigAt,
    stats, store,
    ha,
    config: () => current.config,
    configJson: () => current.json,
    configPath: () => configPath,
    testConfig(json) {
      const attempt = parseConfigJson(json, configPath);
      return attempt.loaded === null ? { ok: false, issues: attempt.issues } : { ok: true };
    },
    setConfig: (json) => apply(parseConfigJson(json, configPath), 'config-set'),
    reloadConfig: async () => apply(await readConfigFile(configPath, log), 'config-reload'),
    async reload() {
      return (await apply(await readConfigFile(configPath, log), 'SIGHUP')).ok;
    },
    writeConfig: (path) => writeConfigJson(current.json, path ?? configPath),
    setServing(enabled, opts = {}) {
      if (enableTimer !== null) clearTimeout(enableTimer);
      enableTimer = null;
      serving = enabled;
      if (!enabled && opts.maxPeriodSec !== undefined && opts.maxPeriodSec > 0) {
        enableTimer = setTimeout(() => { serving = true; enableTimer = null; }, opts.maxPeriodSec * 1000).unref();
      }
      log.log(enabled ? 'DHCP4_SERVICE_ENABLED' : 'DHCP4_SERVICE_DISABLED', { origin: opts.origin ?? 'user', maxPeriod: opts.maxPeriodSec ?? null });
    },
    serving: () => serving,
    async reclaimLeases(remove) {
      const { reclaimed, declinedExpired } = await reclaimer.reclaim();
      const removed = remove ? await reclaimer.flush(0) : 0;
      return { reclaimed: reclaimed + declinedExpired, removed };
    },
    poolCounts: (subnetId) => engine.poolCounts(subnetId),
    shutdown: () => options.onShutdownRequest?.(),
    stop() {
      stopping ??= (async () => {
        log.log('DHCP4_SHUTDOWN_REQUEST', { inflight: inflight.size });
        await control?.close();
        await ha?.stop();
        for (const t of timers) clearInterval(t);
        if (enableTimer !== null) clearTimeout(enableTimer);
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
  try {
    control = await startControl(server, current.config.controlSockets, log, storeWrites, { clock });
    ha?.start();
  } catch (error) {
    await server.stop();
    throw error;
  }
  // Logged once everything answers, the control sockets included: tools wait for this line.
  log.log('DHCP4_STARTED', {
    version: VERSION, config: configPath, subnets: current.config.subnets.length,
    links: transport.links().map((l) => `${l.ifname}/${formatIp4(l.address)}`),
  });
  return server;
}
