/**
 * memberlist's failure detection of one killed node, modelled from its state.go (not its
 * code): each survivor probes on a fixed 1-probe-per-interval ticker in a shuffled round over
 * the other N - 1 nodes; a probe of the dead node fails at the end of its awareness-scaled
 * wait and starts (or, at a node already suspecting, confirms) the suspicion; the first
 * suspecter's timer starts at max, shrinks with each of k = mult - 2 confirmations (one per
 * other survivor's failed probe), and on expiry its dead message reaches everyone. Gossip
 * delays (a few ms to a few hundred) are left out: the figure is a lower bound.
 */
import { remainingSuspicionTime, suspicionBounds } from "../../src/membership/suspicion.ts";
import { shuffle, type Random } from "../../src/platform/random.ts";

export interface DetectionModelOptions {
  n: number;
  probeIntervalMs: number;
  suspicionMult: number;
  suspicionMaxTimeoutMult: number;
  /** Every survivor's awareness score at the kill (each answered probe lowers it by one). */
  awarenessAtKill: number;
}

/** When one survivor's own probe of the victim fails, in ms after the kill. */
function ownFailureMs(n: number, victim: number, self: number, options: DetectionModelOptions, random: Random): number {
  const others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== self);
  let round = shuffle(others, random);
  // The kill lands inside the probe at a random index of the round, at a random point of it;
  // that probe (if of the victim) was answered in its first milliseconds.
  let index = random.int(round.length);
  let atMs = -random.int(options.probeIntervalMs);
  let awareness = options.awarenessAtKill;
  for (;;) {
    atMs += options.probeIntervalMs;
    index++;
    if (index >= round.length) {
      round = shuffle(others, random);
      index = 0;
    }
    if (round[index] === victim) return atMs + (awareness + 1) * options.probeIntervalMs;
    awareness = Math.max(0, awareness - 1);
  }
}

/** ms from the kill until every survivor holds the victim dead, for one random kill. */
export function modelledDetectionMs(options: DetectionModelOptions, random: Random): number {
  const { n } = options;
  const victim = 0;
  const failures: number[] = [];
  for (let self = 1; self < n; self++) failures.push(ownFailureMs(n, victim, self, options, random));
  failures.sort((a, b) => a - b);
  const first = failures[0] as number;
  const { k, minMs, maxMs } = suspicionBounds(options.suspicionMult, options.suspicionMaxTimeoutMult, n, options.probeIntervalMs);
  // The first suspecter's timer: at each confirmation the deadline moves closer.
  let deadlineMs = first + (k < 1 ? minMs : maxMs);
  for (let c = 1; c <= k; c++) {
    const confirmedAt = failures[c];
    if (confirmedAt === undefined || confirmedAt >= deadlineMs) break;
    deadlineMs = confirmedAt + Math.max(0, remainingSuspicionTime(c, k, confirmedAt - first, minMs, maxMs));
  }
  return deadlineMs;
}
