import { randomBytes } from "node:crypto";

/** The only source of randomness in the core; tests pass a seeded one. */
export interface Random {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

/** A small, fast, seedable generator (mulberry32); same seed, same sequence. */
export function createSeededRandom(seed: number): Random {
  let state = seed >>> 0;
  const float = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { float, int: (maxExclusive) => Math.floor(float() * maxExclusive) };
}

/** Randomness for production: seeded from the OS once per process. */
export function createSystemRandom(): Random {
  return createSeededRandom(randomBytes(4).readUInt32LE(0));
}

/** Fisher-Yates shuffle in place using `random`. */
export function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}
