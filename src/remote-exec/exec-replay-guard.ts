/**
 * Replay protection for signed exec requests: a request is accepted once, and only within
 * `windowMs` of when it was signed (either side, for clock skew). Request ids are remembered
 * until they could no longer pass the window, at most `idsMax` of them: when that many
 * requests are in flight in one window, further ones are refused rather than forgetting an
 * id early (forgetting would let a captured request run again).
 */
export type ReplayVerdict = { ok: true } | { ok: false; reason: "expired" | "replayed" | "replay-cache-full"; message: string };

export interface ReplayGuard {
  /** Admits a request id signed at `issuedAtMs`; remembers it when admitted. */
  admit(id: string, issuedAtMs: number): ReplayVerdict;
}

/** Default window: generous for clocks a few seconds apart, short for a captured request. */
export const EXEC_REPLAY_WINDOW_MS = 30_000;
export const EXEC_REPLAY_IDS_MAX = 4096;

export function createReplayGuard(options: { nowMs: () => number; windowMs?: number; idsMax?: number }): ReplayGuard {
  const windowMs = options.windowMs ?? EXEC_REPLAY_WINDOW_MS;
  const idsMax = options.idsMax ?? EXEC_REPLAY_IDS_MAX;
  /** id -> issuedAtMs of admitted requests that may still be inside the window. */
  const seen = new Map<string, number>();
  const forgetExpired = (now: number): void => {
    for (const [id, issuedAtMs] of seen) if (issuedAtMs < now - windowMs) seen.delete(id);
  };
  return {
    admit(id, issuedAtMs) {
      const now = options.nowMs();
      const skewMs = now - issuedAtMs;
      if (Math.abs(skewMs) > windowMs) {
        const when = skewMs > 0 ? `${(skewMs / 1000).toFixed(1)}s ago` : `${(-skewMs / 1000).toFixed(1)}s in the future`;
        return { ok: false, reason: "expired", message: `signed ${when}; accepted within ${windowMs / 1000}s: check that the clocks agree (the time-drift check)` };
      }
      if (seen.has(id)) return { ok: false, reason: "replayed", message: `request ${id} was already received` };
      if (seen.size >= idsMax) forgetExpired(now);
      if (seen.size >= idsMax) return { ok: false, reason: "replay-cache-full", message: `${idsMax} requests within ${windowMs / 1000}s: refused until older ones leave the window` };
      seen.set(id, issuedAtMs);
      return { ok: true };
    },
  };
}
