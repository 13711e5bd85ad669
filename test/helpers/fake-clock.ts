import type { Clock } from '../../src/util/index.ts';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  #seconds: number;
  constructor(startSeconds = 1_800_000_000) { this.#seconds = startSeconds; }
  now(): number { return this.#seconds; }
  monotonicMs(): number { return this.#seconds * 1000; }
  advance(seconds: number): void { this.#seconds += seconds; }
}

/** The real clock plus an offset tests move forward: timers keep running, leases age at once. */
export class ShiftedClock implements Clock {
  #offsetSec = 0;
  now(): number { return Date.now() / 1000 + this.#offsetSec; }
  monotonicMs(): number { return performance.now() + this.#offsetSec * 1000; }
  advance(seconds: number): void { this.#offsetSec += seconds; }
}
