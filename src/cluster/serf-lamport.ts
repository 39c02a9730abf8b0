/** A Lamport clock: local events increment it, received times are witnessed. */
export class LamportClock {
  private counter = 0;

  time(): number {
    return this.counter;
  }

  /** Advances by one and returns the new time. */
  increment(): number {
    return ++this.counter;
  }

  /** serf's rule: a time at or past ours moves us to one beyond it. */
  witness(time: number): void {
    if (time >= this.counter) this.counter = time + 1;
  }
}
