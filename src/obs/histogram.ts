/** A cumulative histogram snapshot, as Prometheus exposes one. */
export type HistogramSnapshot = {
  /** Upper bounds (seconds or whatever unit was observed), ascending, with cumulative counts. */
  readonly buckets: ReadonlyArray<{ readonly le: number; readonly count: number }>;
  readonly sum: number;
  readonly count: number;
};

export interface Histogram {
  observe(value: number): void;
  snapshot(): HistogramSnapshot;
}

/** Lease store write latency buckets, in seconds: 0.5 ms to 1 s. */
export const STORE_WRITE_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** A fixed-bucket histogram (upper bounds inclusive, as Prometheus' `le`). */
export function createHistogram(bounds: readonly number[] = STORE_WRITE_BUCKETS): Histogram {
  const sorted = [...bounds].sort((a, b) => a - b);
  const counts = new Array<number>(sorted.length).fill(0);
  let sum = 0;
  let count = 0;
  return {
    observe(value) {
      sum += value;
      count++;
      const i = sorted.findIndex((b) => value <= b);
      if (i >= 0) counts[i] = (counts[i] ?? 0) + 1;
    },
    snapshot() {
      let running = 0;
      const buckets = sorted.map((le, i) => ({ le, count: (running += counts[i] ?? 0) }));
      return { buckets, sum, count };
    },
  };
}
