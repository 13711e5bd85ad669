/** Time is injected: nothing in alloc/, store/ or dhcp4/ reads the wall clock directly. */
export interface Clock {
  /** Seconds since the epoch (may be fractional). */
  now(): number;
  /** Monotonic milliseconds, for timers and latency. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  now: () => Date.now() / 1000,
  monotonicMs: () => performance.now(),
};
