import type { Probe, Severity } from "../events/health-state.ts";
import { cutText, sanitizeText } from "./probe-sync-fields.ts";
import { PROBE_SYNC_LIMITS as L, type ProbeListReply, type ProbeListRequest, type SharedCheck, type SharedTransition } from "./probe-sync-messages.ts";
import { changeOf, hashSharedChecks, shareProbes, type SharedCheckContent } from "./shared-probes.ts";

/** The changes one publication sends: everything in (base, seq]. */
export interface LocalDelta {
  base: number;
  seq: number;
  hash: number;
  checks: SharedCheck[];
  transitions: SharedTransition[];
}

/**
 * What awaits publication: "state" (a probe changed status or severity, appeared or went, or a
 * check's shown state changed) goes out at once; "text" (only the text of a failing check
 * changed, e.g. the numbers in its error) may wait a little; text changes of running checks
 * (the usage figures in a healthy disk-space detail, which change on every run) are not
 * published on their own at all: they go out when that check next changes state.
 */
export type PendingChange = "none" | "state" | "text";

/**
 * The owner's side of the probe list: what this node last published to the others (each entry
 * and each ProbeFailed / ProbeSucceeded with its seq, a counter of this process; the epoch
 * tells processes apart), what changed since, and the answer to a catch-up request. Changes
 * get their seq when they are published, so the list others can ask for (and the hash every
 * ack carries) is always one that was sent as a delta.
 */
export class LocalProbeList {
  private seq = 0;
  private current: SharedCheckContent[] = [];
  private readonly published = new Map<string, SharedCheck>();
  private publishedHash = 0;
  private pendingTransitions: Omit<SharedTransition, "seq">[] = [];
  /** The last changes published, for requesters that missed them. */
  private readonly log: SharedTransition[] = [];

  constructor(
    readonly owner: string,
    /** The process's start time, Unix ms (>= 1). */
    readonly epoch: number,
  ) {}

  /** Takes this node's probes (after a run); returns what awaits publication. */
  update(probes: readonly Probe[]): PendingChange {
    this.current = shareProbes(probes);
    return this.pending();
  }

  /** A ProbeFailed / ProbeSucceeded of this node; published with the next delta, which should go out at once. */
  addTransition(change: { tsMs: number; probe: string; failed: boolean; severity: Severity; error?: string }): void {
    const transition: Omit<SharedTransition, "seq"> = {
      tsMs: Number.isFinite(change.tsMs) ? Math.max(0, change.tsMs) : 0,
      probe: cutText(change.probe, L.checkNameBytesMax),
      failed: change.failed,
      severity: change.severity,
    };
    const error = change.error ? cutText(sanitizeText(change.error), L.transitionErrorBytesMax) : "";
    if (error) transition.error = error;
    this.pendingTransitions.push(transition);
    if (this.pendingTransitions.length > L.transitionsMax) this.pendingTransitions.shift();
  }

  pending(): PendingChange {
    if (this.pendingTransitions.length > 0) return "state";
    let kind: PendingChange = "none";
    const names = new Set<string>();
    for (const check of this.current) {
      names.add(check.name);
      const change = this.changeOf(check);
      if (change === "state") return "state";
      if (change === "text") kind = "text";
    }
    for (const name of this.published.keys()) if (!names.has(name)) return "state";
    return kind;
  }

  /** How `check` differs from what was published, as far as publication goes (see PendingChange). */
  private changeOf(check: SharedCheckContent): PendingChange {
    const change = changeOf(this.published.get(check.name), check);
    if (change === "text" && !check.probes.some((p) => p.status !== "running")) return "none";
    return change;
  }

  /** Gives every pending change its seq and returns them, or undefined when nothing changed. */
  publish(): LocalDelta | undefined {
    const base = this.seq;
    const checks: SharedCheck[] = [];
    const names = new Set<string>();
    for (const check of this.current) {
      names.add(check.name);
      if (this.changeOf(check) === "none") continue;
      const entry: SharedCheck = { ...check, seq: ++this.seq };
      this.published.set(check.name, entry);
      checks.push(entry);
    }
    for (const name of [...this.published.keys()]) {
      if (names.has(name)) continue;
      // Checks do not go away while a process runs; if one does, the new hash makes receivers pull.
      this.published.delete(name);
      this.seq++;
    }
    const transitions = this.pendingTransitions.map((t) => ({ ...t, seq: ++this.seq }));
    this.pendingTransitions = [];
    for (const t of transitions) this.log.push(t);
    this.log.splice(0, Math.max(0, this.log.length - L.transitionsMax));
    if (this.seq === base) return undefined;
    this.publishedHash = hashSharedChecks(this.epoch, this.seq, this.published.values());
    return { base, seq: this.seq, hash: this.publishedHash, checks, transitions };
  }

  /** Hash of the published list (0: nothing published yet); every ack this node sends carries it. */
  stamp(): number {
    return this.publishedHash;
  }

  /** The published list and the changes the requester misses; no checks when its copy is equal. */
  answer(request: ProbeListRequest): ProbeListReply {
    const sameEpoch = request.epoch === this.epoch;
    return {
      type: "probeListReply",
      owner: this.owner,
      epoch: this.epoch,
      seq: this.seq,
      hash: this.publishedHash,
      checks: sameEpoch && request.hash === this.publishedHash ? undefined : [...this.published.values()],
      transitions: sameEpoch ? this.log.filter((t) => t.seq > request.covered) : [...this.log],
    };
  }
}
