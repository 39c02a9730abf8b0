import type { Probe } from "../events/health-state.ts";
import { PROBE_SYNC_LIMITS as L, type ProbeDeltaMessage, type ProbeListReply, type ProbeListRequest, type SharedCheck, type SharedTransition } from "./probe-sync-messages.ts";
import { hashSharedChecks, probeOf } from "./shared-probes.ts";

interface RemoteList {
  epoch: number;
  /** Every change of this epoch up to here is in `checks` (and its transitions were handled). */
  covered: number;
  checks: Map<string, SharedCheck>;
  /** The hash of `checks` as of `covered`, while neither changed. */
  hashCache?: { covered: number; hash: number };
  /** Seqs of transitions above `covered` already published (they came out of order). */
  published: Set<number>;
  /** The newest seq and hash the owner announced (deltas, replies). */
  ownerSeq: number;
  ownerHash: number;
  /** An ack's hash that matched neither our copy nor the owner's last announcement. */
  strayStamp?: number;
  /** A delta split over several packets, until all of them arrived. */
  parts?: { base: number; seq: number; count: number; got: Set<number> };
  /** Wall clock when this copy was last known to equal the owner's list. */
  confirmedAtMs?: number;
}

/** A remote node's probes as `/status` shows them. */
export interface RemoteProbeView {
  probes: Probe[];
  /** When the copy was last confirmed equal to the owner's list; undefined while it is not. */
  reportedAtMs?: number;
}

/**
 * The receiver's side: a copy of every other Satellite node's probe list, kept current by
 * deltas, catch-up replies and the hash in acks, and the rule that publishes each of their
 * ProbeFailed / ProbeSucceeded exactly once: a change is identified by (owner, epoch, seq);
 * one at or below `covered`, or already published, is not published again, and neither is one
 * that happened (owner's clock) before this agent started (its previous run recorded it, or
 * it happened while this agent did not run). Pure: the caller does the I/O.
 */
export class RemoteProbeLists {
  private readonly lists = new Map<string, RemoteList>();

  constructor(private readonly startedAtMs: number) {}

  /** Applies a delta; returns the transitions to publish (oldest first). */
  applyDelta(d: ProbeDeltaMessage, nowMs: number): SharedTransition[] {
    let list = this.lists.get(d.owner);
    // A packet of the owner's previous process, delivered late.
    if (list && d.epoch < list.epoch) return [];
    if (!list || d.epoch > list.epoch) list = this.reset(d.owner, d.epoch);
    if (d.seq >= list.ownerSeq) {
      list.ownerSeq = d.seq;
      list.ownerHash = d.hash;
      list.strayStamp = undefined;
    }
    if (d.seq <= list.covered || d.parts === 0) return this.settle(list, nowMs, []);
    mergeChecks(list, d.checks);
    const out = this.newTransitions(list, d.transitions);
    if (d.base <= list.covered) {
      if (d.parts === 1) list.covered = d.seq;
      else {
        if (!list.parts || list.parts.seq !== d.seq || list.parts.base !== d.base) list.parts = { base: d.base, seq: d.seq, count: d.parts, got: new Set() };
        list.parts.got.add(d.part);
        if (list.parts.got.size >= list.parts.count) list.covered = d.seq;
      }
    }
    return this.settle(list, nowMs, out);
  }

  /** Applies the owner's answer to a catch-up request; returns the transitions to publish. */
  applyReply(r: ProbeListReply, nowMs: number): SharedTransition[] {
    let list = this.lists.get(r.owner);
    // The answer comes from the owner's running process: its epoch is the one, older or not.
    if (!list || list.epoch !== r.epoch) list = this.reset(r.owner, r.epoch);
    if (r.checks) {
      const names = new Set(r.checks.map((c) => c.name));
      mergeChecks(list, r.checks);
      for (const [name, check] of list.checks) {
        if (!names.has(name) && check.seq <= r.seq) {
          list.checks.delete(name);
          list.hashCache = undefined;
        }
      }
    }
    const out = this.newTransitions(list, r.transitions);
    list.covered = Math.max(list.covered, r.seq);
    if (r.seq >= list.ownerSeq) {
      list.ownerSeq = r.seq;
      list.ownerHash = r.hash;
    }
    list.strayStamp = undefined;
    return this.settle(list, nowMs, out);
  }

  /**
   * The hash an ack of `owner` carried. Returns true when it tells something new (the copy may
   * be behind): the caller should check `needsPull` a little later, once deltas in flight landed.
   */
  noteStamp(owner: string, stamp: number, nowMs: number): boolean {
    const list = this.lists.get(owner);
    if (!list) return stamp !== 0;
    if (stamp === hashOf(list)) {
      if (list.covered >= list.ownerSeq) list.confirmedAtMs = nowMs;
      list.strayStamp = undefined;
      return false;
    }
    if (stamp === list.ownerHash) return false;
    list.strayStamp = stamp;
    return true;
  }

  /**
   * The owner came back (from a partition, a restart): whatever it changed meanwhile reached
   * no one here. The copy counts as behind until the owner answers a catch-up request.
   */
  suspect(owner: string): void {
    const list = this.lists.get(owner);
    if (list) list.strayStamp = -1;
  }

  /** True when the copy of `owner`'s list is missing, behind, or differs from what the owner announced. */
  needsPull(owner: string): boolean {
    const list = this.lists.get(owner);
    return !list || isBehind(list);
  }

  /** The catch-up request for `owner`, from where this copy stands. */
  request(owner: string): ProbeListRequest {
    const list = this.lists.get(owner);
    return { type: "probeListRequest", owner, epoch: list?.epoch ?? 0, covered: list?.covered ?? 0, hash: list ? hashOf(list) : 0 };
  }

  view(owner: string): RemoteProbeView | undefined {
    const list = this.lists.get(owner);
    if (!list || list.checks.size === 0) return undefined;
    const checks = [...list.checks.values()].sort((a, b) => a.position - b.position || (a.name < b.name ? -1 : 1));
    return { probes: checks.flatMap((c) => c.probes.map((p) => probeOf(c.name, p))), reportedAtMs: list.confirmedAtMs };
  }

  has(owner: string): boolean {
    return this.lists.has(owner);
  }

  owners(): string[] {
    return [...this.lists.keys()];
  }

  forget(owner: string): void {
    this.lists.delete(owner);
  }

  private reset(owner: string, epoch: number): RemoteList {
    const list: RemoteList = { epoch, covered: 0, checks: new Map(), published: new Set(), ownerSeq: 0, ownerHash: 0 };
    this.lists.set(owner, list);
    return list;
  }

  private newTransitions(list: RemoteList, transitions: readonly SharedTransition[]): SharedTransition[] {
    const out: SharedTransition[] = [];
    for (const t of transitions) {
      if (t.seq <= list.covered || list.published.has(t.seq)) continue;
      list.published.add(t.seq);
      if (t.tsMs >= this.startedAtMs) out.push(t);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Drops what `covered` now accounts for, and notes when the copy is confirmed current. */
  private settle(list: RemoteList, nowMs: number, out: SharedTransition[]): SharedTransition[] {
    for (const seq of list.published) if (seq <= list.covered) list.published.delete(seq);
    // Bounded whatever a peer sends: the oldest out-of-order seqs go first.
    if (list.published.size > 4 * L.transitionsMax) {
      const sorted = [...list.published].sort((a, b) => a - b);
      for (const seq of sorted.slice(0, sorted.length - 4 * L.transitionsMax)) list.published.delete(seq);
    }
    if (list.parts && list.parts.seq <= list.covered) list.parts = undefined;
    if (!isBehind(list)) list.confirmedAtMs = nowMs;
    return out;
  }
}

function isBehind(list: RemoteList): boolean {
  const hash = hashOf(list);
  return list.covered < list.ownerSeq || hash !== list.ownerHash || (list.strayStamp !== undefined && list.strayStamp !== hash);
}

function mergeChecks(list: RemoteList, checks: readonly SharedCheck[]): void {
  for (const check of checks) {
    const existing = list.checks.get(check.name);
    if (existing && existing.seq > check.seq) continue;
    list.checks.set(check.name, check);
    list.hashCache = undefined;
  }
  // Bounded whatever a peer sends over time: one owner never holds more than one list may;
  // the checks it changed longest ago go first (a pull then brings the list back whole).
  let probes = 0;
  for (const check of list.checks.values()) probes += check.probes.length;
  if (list.checks.size <= L.checksMax && probes <= L.probesMax) return;
  for (const check of [...list.checks.values()].sort((a, b) => a.seq - b.seq)) {
    if (list.checks.size <= L.checksMax && probes <= L.probesMax) break;
    list.checks.delete(check.name);
    probes -= check.probes.length;
  }
}

function hashOf(list: RemoteList): number {
  if (list.hashCache?.covered !== list.covered) list.hashCache = { covered: list.covered, hash: hashSharedChecks(list.epoch, list.covered, list.checks.values()) };
  return list.hashCache.hash;
}
