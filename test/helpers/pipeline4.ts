import { parseConfig4 } from '../../src/config/index.ts';
import { createMemoryLeaseStore } from '../../src/store/index.ts';
import type { LeaseStore } from '../../src/store/index.ts';
import { AllocEngine4 } from '../../src/alloc/index.ts';
import { createProcessor4 } from '../../src/dhcp4/index.ts';
import type { ExchangeHooks4, Inbound4, Outcome4 } from '../../src/dhcp4/index.ts';
import { createMemoryLogger, createStats } from '../../src/obs/index.ts';
import { decodeMessage4 } from '../../src/codec/index.ts';
import type { Message4 } from '../../src/codec/index.ts';
import type { Config4 } from '../../src/model/index.ts';
import { FakeClock } from './fake-clock.ts';
import { ip } from './dhcp4-builders.ts';

/** A DHCPv4 pipeline without sockets: a config, a memory store, a fake clock. */
export async function aPipeline4(dhcp4: object, options: { store?: LeaseStore; ownAddresses?: string[]; hooks?: ExchangeHooks4 } = {}) {
  const { config, issues } = parseConfig4(JSON.stringify({ Dhcp4: dhcp4 }), { source: 'test.json' });
  if (config === null) throw new Error(`test config refused:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  const clock = new FakeClock();
  const store = options.store ?? createMemoryLeaseStore();
  const engine = new AllocEngine4({ store, clock });
  await engine.load(config.subnets);
  const log = createMemoryLogger();
  const stats = createStats();
  const own = new Set((options.ownAddresses ?? ['10.0.0.1', '10.0.1.1', '192.0.2.1']).map(ip));
  const processor = createProcessor4({
    config, engine, stats, log, isOwnAddress: (a) => own.has(a), ...(options.hooks !== undefined ? { hooks: options.hooks } : {}),
  });
  return {
    config: config as Config4, clock, store, engine, log, stats,
    process: (inbound: Inbound4): Promise<Outcome4> => processor.process(inbound),
    /** Processes and decodes the reply; null when there is none. */
    async reply(inbound: Inbound4): Promise<Message4 | null> {
      const outcome = await processor.process(inbound);
      return outcome.kind === 'reply' ? decodeMessage4(outcome.data) : null;
    },
  };
}

export const basicSubnet = {
  'valid-lifetime': 3600,
  'subnet4': [{
    id: 1, subnet: '10.0.0.0/24', interface: 'v1',
    pools: [{ pool: '10.0.0.10 - 10.0.0.20' }],
    'option-data': [
      { name: 'routers', data: '10.0.0.1' },
      { name: 'domain-name-servers', data: '10.0.0.2, 10.0.0.3' },
      { name: 'domain-name', data: 'example.test' },
      { name: 'ntp-servers', data: '10.0.0.4' },
    ],
  }],
};
