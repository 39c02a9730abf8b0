import type { AgentEvent } from "./agent-event.ts";
import type { EventStream } from "./event-stream.ts";

export interface Replay {
  /** The retained events after the consumer's `seq` (all retained ones when some were missed), oldest first. */
  events: AgentEvent[];
  /** Events after `seq` that the stream had already forgotten (0: nothing missed). */
  missed: number;
  /**
   * True when `seq` is ahead of the stream: the consumer saw an earlier process of the agent
   * (sequence numbers start again at 1 after a restart), so everything retained is new to it
   * and what happened in between is unknown.
   */
  restarted: boolean;
}

/**
 * What a consumer that last saw `seq` should be given to catch up: `since(seq)` when the
 * stream still has it all; otherwise everything still retained, and how many it missed.
 * Only the stream's public reads are used: `since(x)` is defined exactly when nothing after
 * `x` was forgotten, so the oldest retained event is found by bisection (at most ~50 reads).
 */
export function replayAfter(stream: Pick<EventStream, "since" | "lastSeq">, seq: number): Replay {
  const last = stream.lastSeq();
  const restarted = seq > last;
  const after = restarted ? 0 : Math.max(0, seq);
  const direct = stream.since(after);
  if (direct) return { events: direct, missed: 0, restarted };
  // since(low) is undefined, since(last) is [] (defined): find the smallest defined point.
  let low = after;
  let high = last;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (stream.since(middle) === undefined) low = middle;
    else high = middle;
  }
  return { events: stream.since(high) ?? [], missed: high - after, restarted };
}
