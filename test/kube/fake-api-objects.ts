/** An API object as far as label selectors look at it. */
export interface Labelled {
  metadata?: { labels?: Record<string, string> };
}

/**
 * The equality-based label selector grammar of the API server (`key`, `!key`, `key=value`,
 * `key==value`, `key!=value`, comma-separated, all must hold), enough for what the agent sends.
 */
export function matchesSelector(object: Labelled, selector: string): boolean {
  const labels = object.metadata?.labels ?? {};
  return selector
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "")
    .every((requirement) => {
      if (requirement.startsWith("!")) return !Object.hasOwn(labels, requirement.slice(1));
      const notEqual = /^([^!=]+)!=(.*)$/.exec(requirement);
      if (notEqual) return labels[notEqual[1] as string] !== notEqual[2];
      const equal = /^([^!=]+)==?(.*)$/.exec(requirement);
      if (equal) return labels[equal[1] as string] === equal[2];
      return Object.hasOwn(labels, requirement);
    });
}

type Condition = Record<string, unknown> & { type?: unknown };

/**
 * Applies a node status patch to `node.status.conditions` the way the API server does for each
 * content type: a strategic-merge patch merges conditions by `type` (the list's patchMergeKey),
 * each given field replacing the stored one; a JSON merge patch replaces the whole list.
 */
export function applyConditionsPatch(node: Record<string, any>, patch: { status?: { conditions?: unknown[] } }, contentType: string): Record<string, any> {
  const incoming = (patch.status?.conditions ?? []) as Condition[];
  const stored = (node.status?.conditions ?? []) as Condition[];
  let conditions: Condition[];
  if (contentType === "application/strategic-merge-patch+json") {
    conditions = stored.map((c) => ({ ...c }));
    for (const change of incoming) {
      const at = conditions.findIndex((c) => c.type === change.type);
      if (at >= 0) conditions[at] = { ...conditions[at], ...change };
      else conditions.push({ ...change });
    }
  } else {
    conditions = incoming.map((c) => ({ ...c }));
  }
  const resourceVersion = String(Number(node.metadata?.resourceVersion ?? 0) + 1);
  return { ...node, metadata: { ...node.metadata, resourceVersion }, status: { ...node.status, conditions } };
}
