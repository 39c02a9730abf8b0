/**
 * What the echoes to one peer showed: the outcome of the last `windowProbes` echoes (a round
 * trip, or lost), the echoes still in flight, and totals since the peer was first seen.
 * Bounded: the window is fixed, and at most `inFlightMax` echoes wait for a reply (the
 * oldest counts as lost when another is sent past it). Time comes in as arguments.
 */
export interface PeerEchoOptions {
  windowProbes: number;
  /** An echo without a reply after this long is lost; a later reply is counted late and ignored. */
  timeoutMs: number;
  inFlightMax: number;
}

export interface PeerEchoSummary {
  /** Finished echoes in the window (answered or lost). */
  probesInWindow: number;
  lostInWindow: number;
  /** 0..100 over the window; undefined before the first echo finished. */
  lossPercent?: number;
  /** Nearest-rank percentiles of the answered echoes in the window. */
  rttP50Ms?: number;
  rttP95Ms?: number;
  requestsTotal: number;
  repliesTotal: number;
  lostTotal: number;
  lateRepliesTotal: number;
}

type Outcome = { rttMs: number } | "lost";

export class PeerEchoes {
  private readonly inFlight = new Map<number, number>();
  private readonly window: Outcome[] = [];
  private requestsTotal = 0;
  private repliesTotal = 0;
  private lostTotal = 0;
  private lateRepliesTotal = 0;

  constructor(private readonly options: PeerEchoOptions) {}

  /** An echo with `seq` went out at `nowMs`. */
  sent(seq: number, nowMs: number): void {
    this.expire(nowMs);
    while (this.inFlight.size >= this.options.inFlightMax) {
      const oldest = this.inFlight.keys().next().value as number;
      this.inFlight.delete(oldest);
      this.finish("lost");
    }
    this.inFlight.set(seq, nowMs);
    this.requestsTotal++;
  }

  /** A reply to `seq` arrived at `nowMs`; false when no echo with that seq is waiting. */
  replied(seq: number, nowMs: number): boolean {
    this.expire(nowMs);
    const sentAt = this.inFlight.get(seq);
    if (sentAt === undefined) {
      this.lateRepliesTotal++;
      return false;
    }
    this.inFlight.delete(seq);
    this.repliesTotal++;
    this.finish({ rttMs: Math.max(0, nowMs - sentAt) });
    return true;
  }

  /** Echoes older than the timeout become lost. */
  expire(nowMs: number): void {
    for (const [seq, sentAt] of this.inFlight) {
      // Insertion order is send order: the first one still young ends the scan.
      if (nowMs - sentAt < this.options.timeoutMs) break;
      this.inFlight.delete(seq);
      this.finish("lost");
    }
  }

  summary(nowMs: number): PeerEchoSummary {
    this.expire(nowMs);
    const rtts = this.window.flatMap((o) => (o === "lost" ? [] : [o.rttMs]));
    const lost = this.window.length - rtts.length;
    const summary: PeerEchoSummary = {
      probesInWindow: this.window.length,
      lostInWindow: lost,
      requestsTotal: this.requestsTotal,
      repliesTotal: this.repliesTotal,
      lostTotal: this.lostTotal,
      lateRepliesTotal: this.lateRepliesTotal,
    };
    if (this.window.length > 0) summary.lossPercent = (100 * lost) / this.window.length;
    if (rtts.length > 0) {
      // Microseconds are the most a user-space echo can tell.
      summary.rttP50Ms = roundToMicroseconds(nearestRank(rtts, 50));
      summary.rttP95Ms = roundToMicroseconds(nearestRank(rtts, 95));
    }
    return summary;
  }

  private finish(outcome: Outcome): void {
    if (outcome === "lost") this.lostTotal++;
    this.window.push(outcome);
    if (this.window.length > this.options.windowProbes) this.window.shift();
  }
}

function roundToMicroseconds(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
