// Test helpers for the listener tests: a recording stub handler and a small ServerApi stand-in.
import { createStats } from '../../obs/index.ts';
import type { Stats } from '../../obs/index.ts';
import type { Config4, Subnet4 } from '../../model/index.ts';
import type { CallContext, ControlResponse, ServerApi } from '../types.ts';
import type { RequestHandler } from './types.ts';

export type Recorded = { req: unknown; ctx: CallContext };

export function stubHandler(): RequestHandler & { calls: Recorded[] } {
  const calls: Recorded[] = [];
  return {
    calls,
    async handle(req, ctx): Promise<ControlResponse> {
      calls.push({ req, ctx });
      const command = typeof req === 'object' && req !== null ? (req as { command?: unknown }).command : undefined;
      if (command === 'echo') return { result: 0, text: 'ok', arguments: { got: req } };
      return { result: 2, text: `'${String(command)}' command not supported` };
    },
  };
}

export function stubApi(subnets: Array<Pick<Subnet4, 'id' | 'network' | 'prefixLength'>> = [], stats: Stats = createStats()): ServerApi {
  const config = { subnets } as unknown as Config4;
  return {
    version: '0.0.0-test', startedAt: 1_700_000_000, lastConfigAt: () => 1_700_000_100,
    stats, config: () => config, serving: () => true,
    poolCounts: (id: number) => ({ total: stats.get(`subnet[${id}].total-addresses`), free: 7 }),
  } as unknown as ServerApi;
}
