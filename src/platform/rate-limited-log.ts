import type { LogFields, Logger, LogLevel } from "./logger.ts";

/**
 * Logs a repeated line at most once per `intervalMs` per key (a fixed reason word, not
 * anything from the network); the next line written for that key carries `suppressed=N`, the
 * number left out since. Hostile traffic then costs one log line per reason per interval
 * instead of one per packet or stream.
 */
export interface RateLimitedLog {
  log(level: LogLevel, key: string, message: string, fields?: LogFields): void;
}

interface KeyState {
  lastMs: number;
  suppressed: number;
}

/** The interval the gossip layers use for lines that hostile traffic can repeat. */
export const REPEATED_LOG_INTERVAL_MS = 10_000;

/** Keys kept; more distinct keys than this drop the oldest (keys are meant to be a small fixed set). */
const KEYS_MAX = 256;

export function createRateLimitedLog(logger: Logger, monotonicMs: () => number, intervalMs: number): RateLimitedLog {
  const keys = new Map<string, KeyState>();
  return {
    log(level, key, message, fields) {
      const now = monotonicMs();
      const state = keys.get(key);
      if (state && now - state.lastMs < intervalMs) {
        state.suppressed++;
        return;
      }
      const suppressed = state?.suppressed ?? 0;
      keys.delete(key);
      if (keys.size >= KEYS_MAX) keys.delete(keys.keys().next().value as string);
      keys.set(key, { lastMs: now, suppressed: 0 });
      logger[level](message, suppressed > 0 ? { ...fields, suppressed } : fields);
    },
  };
}
