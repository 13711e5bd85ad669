/**
 * Counters named as Kea names its statistics (`pkt4-received`, `pkt4-ack-sent`,
 * `subnet[1].assigned-addresses` …), so that administrators and the control API see familiar names.
 */
export interface Stats {
  add(name: string, delta?: number): void;
  set(name: string, value: number): void;
  get(name: string): number;
  snapshot(): Record<string, number>;
  reset(name?: string): void;
}

export function createStats(): Stats {
  const values = new Map<string, number>();
  return {
    add(name, delta = 1) { values.set(name, (values.get(name) ?? 0) + delta); },
    set(name, value) { values.set(name, value); },
    get: (name) => values.get(name) ?? 0,
    snapshot: () => Object.fromEntries([...values.entries()].sort(([a], [b]) => a.localeCompare(b))),
    reset(name) { if (name === undefined) values.clear(); else values.set(name, 0); },
  };
}
