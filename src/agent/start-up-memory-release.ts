import type { EventStream } from "../events/event-stream.ts";
import type { Clock } from "../platform/clock.ts";
import type { CodePagesDropped } from "../platform/drop-code-pages.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";

/** Membership must have been still this long: a join burst's members are all in by then. */
export const MEMBERSHIP_QUIET_MS = 10_000;
/** Spread over agents that became quiet together, so they do not recompile in the same second. */
export const RELEASE_SPREAD_MS = 10_000;
/** Freed by then whatever the membership does: a cluster that never settles still gets it. */
export const RELEASE_LATEST_MS = 300_000;

export interface StartUpMemoryReleaseDeps {
  clock: Clock;
  random: Random;
  events: EventStream;
  /** Start-up has settled this long after now (first checks, first join, first push/pull). */
  settledAfterMs: number;
  /** Frees the compiled code and heap that start-up left (platform/release-start-up-memory.ts). */
  release: () => void;
  /** True while this agent has peers to join and sees no other member: not quiet, only waiting. */
  joining: () => boolean;
}

/**
 * Frees start-up's memory once start-up has settled and the membership has been quiet for
 * MEMBERSHIP_QUIET_MS (and the agent is no longer waiting to join), plus a random part of
 * RELEASE_SPREAD_MS, and at the latest RELEASE_LATEST_MS after now. Freeing deletes compiled
 * code, so whatever runs next is compiled again: when a rollout starts many agents at once,
 * freeing on a fixed delay made all of them recompile in the same seconds, in the middle of
 * their join (in a burst of 100 on 2 cores the seed answered no join for 7 s while its answers
 * waited for CPU). Returns a cancel for shutdown.
 */
export function scheduleStartUpMemoryRelease(deps: StartUpMemoryReleaseDeps): () => void {
  const { clock, events } = deps;
  const startedMs = clock.nowMs();
  const spreadMs = deps.random.int(RELEASE_SPREAD_MS + 1);
  let lastChangeMs = startedMs;
  let done = false;
  const unsubscribe = events.subscribe("start-up-memory-release", (event) => {
    if (event.type === "NodeAdded" || event.type === "NodeFailed" || event.type === "NodeLeft" || event.type === "NodeRemoved") lastChangeMs = clock.nowMs();
  });
  let timer = clock.setTimer(Math.max(deps.settledAfterMs, MEMBERSHIP_QUIET_MS + spreadMs), check);

  function check(): void {
    const nowMs = clock.nowMs();
    const latestMs = startedMs + RELEASE_LATEST_MS;
    // An agent still waiting for its seed sees no member change, yet its join is all ahead of it.
    const dueMs = deps.joining() ? Math.min(nowMs + MEMBERSHIP_QUIET_MS, latestMs) : Math.min(lastChangeMs + MEMBERSHIP_QUIET_MS + spreadMs, latestMs);
    if (nowMs < dueMs) {
      timer = clock.setTimer(dueMs - nowMs, check);
      return;
    }
    finish();
    deps.release();
  }

  function finish(): void {
    if (done) return;
    done = true;
    timer.cancel();
    unsubscribe();
  }

  return finish;
}

/**
 * `release` as the scheduler calls it: what became of the executable's code pages is logged at
 * debug, and a release that fails is a warning, never a crash (the agent runs on with the memory).
 */
export function reportedRelease(release: () => Promise<CodePagesDropped | undefined> | void, logger: Logger): () => void {
  return () =>
    void Promise.resolve(release()).then(
      (codePages) => {
        if (!codePages) return;
        if (codePages.dropped) logger.debug("start-up memory released", { codePagesDroppedMiB: (codePages.residentBytes / 1048576).toFixed(1), mappings: codePages.ranges });
        else logger.debug("start-up memory released; code pages kept", { reason: codePages.reason });
      },
      (error: unknown) => logger.warn("releasing start-up memory failed; the agent runs on with it", { error: error instanceof Error ? error.message : String(error) }),
    );
}
