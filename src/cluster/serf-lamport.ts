/**
 * Largest Lamport time accepted from the network. serf's clocks are uint64; ours are JS
 * numbers, exact up to 2^53 - 1. Capping received times at 2^52 leaves 2^52 increments of
 * headroom, so `time + 1` (a refutation, our next event) is always exact and encodable.
 */
export const LTIME_MAX = 2 ** 52;

/**
 * How far ahead of our clock a received intent or event time may be. Honest times are at
 * most the events we missed ahead (a new node first takes the cluster's clocks from its
 * join push/pull); a forged time far ahead would leave its subject unable to answer with a
 * newer one, as every peer would drop the answer.
 */
export const LTIME_JUMP_MAX = 2 ** 20;

/** A Lamport clock: local events increment it, received times are witnessed. */
export class LamportClock {
  private counter = 0;

  time(): number {
    return this.counter;
  }

  /** Advances by one and returns the new time. */
  increment(): number {
    if (this.counter < LTIME_MAX) this.counter++;
    return this.counter;
  }

  /** serf's rule: a time at or past ours moves us to one beyond it. Times over LTIME_MAX are ignored. */
  witness(time: number): void {
    if (time >= this.counter && time <= LTIME_MAX) this.counter = time + 1;
  }

  /** Whether a received `time` is within LTIME_JUMP_MAX of this clock (check before witnessing it). */
  isPlausible(time: number): boolean {
    return time <= LTIME_MAX && time <= this.counter + LTIME_JUMP_MAX;
  }
}
