import { shuffle, type Random } from "../platform/random.ts";

/**
 * memberlist's probe order: every node once per round, in an order shuffled at the start of
 * each round. A node that joins mid-round takes a random place, so it is probed within about
 * one round whatever its name. Holds names only: the table decides who is worth probing.
 */
export class ProbeOrder {
  private names: string[] = [];
  private index = 0;

  constructor(private readonly random: Random) {}

  get size(): number {
    return this.names.length;
  }

  /** True when every name of this round was handed out by `next`. */
  roundOver(): boolean {
    return this.index >= this.names.length;
  }

  /** Starts a round over `names`, freshly shuffled. */
  restart(names: string[]): void {
    this.names = shuffle(names, this.random);
    this.index = 0;
  }

  /** The next name of the round; only after `roundOver()` returned false. */
  next(): string {
    return this.names[this.index++] as string;
  }

  /** Appends `name`, then swaps it with a random place (memberlist's insertion). */
  insert(name: string): void {
    this.names.push(name);
    const last = this.names.length - 1;
    const offset = this.random.int(this.names.length);
    [this.names[last], this.names[offset]] = [this.names[offset] as string, this.names[last] as string];
  }

  /** A uniformly random name; undefined when there is none. */
  randomName(): string | undefined {
    return this.names[this.random.int(this.names.length)];
  }
}
