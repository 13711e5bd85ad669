import type { Ip4 } from '../util/index.ts';

/**
 * Addresses offered but not yet requested, held for the client they were offered to for a short
 * time so that two clients in DISCOVER at once are not offered the same address.
 */
export class OfferHolds {
  readonly #holds = new Map<Ip4, { client: string; until: number }>();
  readonly #byClient = new Map<string, Ip4>();
  readonly #holdSec: number;

  constructor(holdSec: number) { this.#holdSec = holdSec; }

  hold(address: Ip4, client: string, now: number): void {
    const previous = this.#byClient.get(client);
    if (previous !== undefined && previous !== address) this.#holds.delete(previous);
    this.#holds.set(address, { client, until: now + this.#holdSec });
    this.#byClient.set(client, address);
  }

  /** True when another client holds the address right now. */
  heldByOther(address: Ip4, client: string, now: number): boolean {
    const hold = this.#holds.get(address);
    if (hold === undefined) return false;
    if (hold.until <= now) { this.#drop(address, hold.client); return false; }
    return hold.client !== client;
  }

  heldFor(client: string, now: number): Ip4 | null {
    const address = this.#byClient.get(client);
    if (address === undefined) return null;
    const hold = this.#holds.get(address);
    if (hold === undefined || hold.until <= now || hold.client !== client) return null;
    return address;
  }

  releaseClient(client: string): void {
    const address = this.#byClient.get(client);
    if (address !== undefined) this.#drop(address, client);
  }

  /** Forgets expired holds; called from a timer so the maps do not grow without bound. */
  sweep(now: number): void {
    for (const [address, hold] of this.#holds) if (hold.until <= now) this.#drop(address, hold.client);
  }

  get size(): number { return this.#holds.size; }

  #drop(address: Ip4, client: string): void {
    this.#holds.delete(address);
    if (this.#byClient.get(client) === address) this.#byClient.delete(client);
  }
}
