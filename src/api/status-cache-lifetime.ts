/**
 * How long a rendered /status is served before the next render: at least `minMs` (the agent's
 * STATUS_CACHE_MS, which bounds how late a change shows), and long enough that encoding it takes
 * at most 1/RENDER_SHARE_INVERSE of the event loop's time, so clients of a large view do not queue
 * behind renders (a 200-node view with full probe lists encodes in 0.5-14 ms depending on the
 * host's load); never more than MAX_MS, so a change shows within a second whatever the view.
 */
export function statusCacheLifetimeMs(minMs: number, encodeMs: number): number {
  return Math.max(minMs, Math.min(MAX_MS, Math.round(encodeMs * RENDER_SHARE_INVERSE)));
}

const RENDER_SHARE_INVERSE = 200;
const MAX_MS = 1000;
