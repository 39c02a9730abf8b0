import type { NotifiableChange } from "../config/notifiers-schema.ts";
import { assertNever } from "../platform/assert-never.ts";

/**
 * The alerts notifiers send, as states of subjects: each check of each node, each node, and
 * the cluster. A notification is a change of one subject's state; the next one is sent only
 * when the state changes again (or, while it stays bad, after the repeat interval).
 */
export type AlertSubjectKind = "probe" | "node" | "cluster";

/** probe: failed | running; node: failed | degraded | running | left; cluster: degraded | running. */
export type AlertState = "running" | "failed" | "degraded" | "left";

/** One subject's state as this node observes it now. */
export interface ObservedAlert {
  /** Stable identity, the same on every node: `probe/<node>/<checker>`, `node/<node>`, `cluster`. */
  subject: string;
  kind: AlertSubjectKind;
  state: AlertState;
  node?: string;
  checker?: string;
  severity: "critical" | "warning";
  /** The check's error (probe), or the cluster's summary; absent when not known here. */
  error?: string;
  /** The node's operator tags, for `nodes:` filters. */
  nodeTags?: Readonly<Record<string, string>>;
  /** When this node first saw the subject in this state (Unix ms). */
  sinceMs: number;
}

/** What a subject is taken to be before anything was notified about it. */
export const INITIAL_STATE: AlertState = "running";

export function probeSubject(node: string, checker: string): string {
  return `probe/${node}/${checker}`;
}

export function nodeSubject(node: string): string {
  return `node/${node}`;
}

export const CLUSTER_SUBJECT = "cluster";

/** True for the states an alert fires in (and is repeated in). */
export function isProblem(state: AlertState): boolean {
  return state === "failed" || state === "degraded";
}

/** The change type a subject entering `state` is announced as. */
export function changeOf(kind: AlertSubjectKind, state: AlertState): NotifiableChange {
  switch (kind) {
    case "probe":
      return state === "failed" ? "ProbeFailed" : "ProbeSucceeded";
    case "node":
      return state === "failed" ? "NodeFailed" : state === "degraded" ? "NodeDegraded" : state === "left" ? "NodeLeft" : "NodeHealthy";
    case "cluster":
      return isProblem(state) ? "ClusterDegraded" : "ClusterHealthy";
    default:
      return assertNever(kind, "alert subject kind");
  }
}

/** The kind of event a change belongs to (for `events:` filters naming kinds). */
export function kindOfChange(change: NotifiableChange): AlertSubjectKind {
  switch (change) {
    case "ProbeFailed":
    case "ProbeSucceeded":
      return "probe";
    case "NodeFailed":
    case "NodeDegraded":
    case "NodeHealthy":
    case "NodeLeft":
      return "node";
    case "ClusterDegraded":
    case "ClusterHealthy":
      return "cluster";
    default:
      return assertNever(change, "notifiable change");
  }
}

/** One letter per state, for acknowledgments on the wire. */
export const STATE_LETTER: Readonly<Record<AlertState, string>> = { running: "r", failed: "f", degraded: "d", left: "l" };
export const LETTER_STATE: Readonly<Record<string, AlertState>> = { r: "running", f: "failed", d: "degraded", l: "left" };
