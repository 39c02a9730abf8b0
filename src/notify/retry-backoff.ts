import type { Random } from "../platform/random.ts";

/** The first retry waits about this long; each one after it twice as long... */
export const RETRY_DELAY_FIRST_MS = 1000;
/** ...up to this: a receiver back from an outage hears from us within five minutes. */
export const RETRY_DELAY_MAX_MS = 5 * 60_000;

/**
 * The wait after the `attempts`-th failed attempt: exponential, capped, with ±20% jitter so
 * the senders of many clusters do not hammer a recovering receiver in step.
 */
export function retryDelayMs(attempts: number, random: Random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 20);
  const base = Math.min(RETRY_DELAY_FIRST_MS * 2 ** exponent, RETRY_DELAY_MAX_MS);
  return Math.round(base * (0.8 + 0.4 * random.float()));
}
