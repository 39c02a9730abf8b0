import { CLUSTER_SUBJECT, nodeSubject, probeSubject, type AlertState, type ObservedAlert } from "./alert-state.ts";
import type { ClusterSnapshot, SnapshotNode } from "./cluster-snapshot.ts";

/** Errors of remote checks learnt from their ProbeFailed events, by `probe/<node>/<checker>`. */
export type KnownErrors = ReadonlyMap<string, string>;

/**
 * This node's alert states from one look at the cluster, given the previous ones. A subject
 * appears only once its state is known: a node that has not reported a status (still
 * `unknown`), or a failed node's checks (no one can run them), keep what was last seen, and a
 * node first seen after it left is not an alert. Pure: the same look gives the same states on
 * every node that shares the view.
 * Maintenance: a muted node's alerts, and a muted check's, keep the state they had when the
 * window started, so nothing is sent while it lasts; when it ends, the real state is observed
 * again and a node or check still failed then is notified like any new failure.
 */
export function observeAlerts(snapshot: ClusterSnapshot, previous: ReadonlyMap<string, ObservedAlert>, nowMs: number, knownErrors: KnownErrors = new Map()): Map<string, ObservedAlert> {
  const next = new Map<string, ObservedAlert>();
  const keep = (alert: ObservedAlert | undefined): void => void (alert && next.set(alert.subject, alert));
  const put = (alert: Omit<ObservedAlert, "sinceMs">): void => {
    const before = previous.get(alert.subject);
    next.set(alert.subject, { ...alert, sinceMs: before && before.state === alert.state ? before.sinceMs : nowMs });
  };
  const seen = new Set<string>();
  for (const node of snapshot.nodes) {
    seen.add(node.name);
    observeNode(node, previous, put, keep);
    observeProbes(node, previous, knownErrors, put, keep);
  }
  // Members no longer in the view (reaped): a node that was seen has left, and its checks with it.
  for (const alert of previous.values()) {
    if (alert.node === undefined || seen.has(alert.node)) continue;
    if (alert.kind === "node") put({ ...alert, state: "left" });
    else if (alert.kind === "probe") put({ ...alert, state: "running" });
  }
  const verdict = snapshot.verdict;
  put({ subject: CLUSTER_SUBJECT, kind: "cluster", state: verdict.status === "degraded" ? "degraded" : "running", severity: "critical", error: verdict.summary || undefined });
  return next;
}

function observeNode(node: SnapshotNode, previous: ReadonlyMap<string, ObservedAlert>, put: (a: Omit<ObservedAlert, "sinceMs">) => void, keep: (a: ObservedAlert | undefined) => void): void {
  const subject = nodeSubject(node.name);
  const before = previous.get(subject);
  if (node.muted === true) return keep(before);
  let state: AlertState | undefined;
  switch (node.memberStatus) {
    case "failed":
      state = "failed";
      break;
    case "left":
      // Only a node seen before can leave; one that had left before we looked is no news.
      state = before ? "left" : undefined;
      break;
    case "leaving":
      state = undefined;
      break;
    case "alive":
      state = node.status;
      // Degraded only by checks under maintenance: as muted as the checks themselves.
      if (state === "degraded" && onlyMutedChecksFail(node)) return keep(before);
      break;
  }
  if (state === undefined) return keep(before);
  put({ subject, kind: "node", state, node: node.name, severity: "critical", nodeTags: node.tags, error: state === "failed" ? "the node does not answer gossip" : undefined });
}

function observeProbes(
  node: SnapshotNode,
  previous: ReadonlyMap<string, ObservedAlert>,
  knownErrors: KnownErrors,
  put: (a: Omit<ObservedAlert, "sinceMs">) => void,
  keep: (a: ObservedAlert | undefined) => void,
): void {
  const mine = [...previous.values()].filter((a) => a.kind === "probe" && a.node === node.name);
  const gone = node.memberStatus === "left";
  if (gone) {
    for (const alert of mine) put({ ...alert, state: "running", error: undefined });
    return;
  }
  // A failed node runs no checks we could hear of, a node without a status is unknown, and a muted node is muted: keep.
  if (node.muted === true || node.memberStatus !== "alive" || node.failing === undefined || node.status === undefined) {
    for (const alert of mine) keep(alert);
    return;
  }
  const failing = new Set<string>();
  for (const f of node.failing) {
    const subject = probeSubject(node.name, f.checker);
    failing.add(subject);
    if (f.muted === true) {
      keep(previous.get(subject));
      continue;
    }
    const error = f.error ?? knownErrors.get(subject) ?? (previous.get(subject)?.state === "failed" ? previous.get(subject)?.error : undefined);
    put({ subject, kind: "probe", state: "failed", node: node.name, checker: f.checker, severity: f.severity, error, nodeTags: node.tags });
  }
  for (const alert of mine) if (!failing.has(alert.subject)) put({ ...alert, state: "running", error: undefined, nodeTags: node.tags });
}

function onlyMutedChecksFail(node: SnapshotNode): boolean {
  const critical = (node.failing ?? []).filter((f) => f.severity !== "warning");
  return critical.length > 0 && critical.every((f) => f.muted === true);
}
