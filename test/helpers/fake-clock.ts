import type { Clock } from '../../src/util/index.ts';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  #seconds: number;
  constructor(startSeconds = 1_800_000_000) { this.#seconds = startSeconds; }
  now(): number { return this.#seconds; }
  monotonicMs(): number { return this.#seconds * 1000; }
  advance(seconds: number): void { this.#seconds += seconds; }
}
