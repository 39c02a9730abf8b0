/**
 * A token bucket: `burst` tokens at most, one more every `refillMs`. Pure state and a function,
 * so rate limits are table-tested without a clock.
 */
export interface TokenBucket {
  tokens: number;
  /** Monotonic ms up to which refills were counted. */
  refilledAtMs: number;
}

export interface TokenBucketLimits {
  burst: number;
  refillMs: number;
}

export function fullBucket(limits: TokenBucketLimits, nowMs: number): TokenBucket {
  return { tokens: limits.burst, refilledAtMs: nowMs };
}

/** Refills for the time passed, then takes one token when there is one. */
export function takeToken(bucket: TokenBucket, limits: TokenBucketLimits, nowMs: number): { taken: boolean; bucket: TokenBucket } {
  const earned = Math.max(0, Math.floor((nowMs - bucket.refilledAtMs) / limits.refillMs));
  const tokens = Math.min(limits.burst, bucket.tokens + earned);
  // A full bucket starts counting afresh; otherwise the unspent part of the interval is kept.
  const refilledAtMs = tokens === limits.burst ? nowMs : bucket.refilledAtMs + earned * limits.refillMs;
  if (tokens < 1) return { taken: false, bucket: { tokens, refilledAtMs } };
  return { taken: true, bucket: { tokens: tokens - 1, refilledAtMs } };
}
