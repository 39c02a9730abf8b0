import type { V1NodeCondition } from "@kubernetes/client-node";
import type { Severity } from "../events/health-state.ts";
import type { NodeStatusPatch } from "../kube/kube-api.ts";

/** The condition type this agent owns on its Node object; nothing else on the Node is written. */
export const SATELLITE_CONDITION = "SatelliteDegraded";

/** As node-problem-detector's conditions: True means the problem is there. */
export type ConditionStatus = "True" | "False";
export type ConditionReason = "ProbesFailing" | "Healthy";

export interface DesiredCondition {
  status: ConditionStatus;
  reason: ConditionReason;
  message: string;
}

/** What the Node object showed for the condition when last read or written. */
export interface WrittenCondition extends DesiredCondition {
  /** RFC 3339; kept while the status stays the same. */
  lastTransitionTime: string;
}

/** Names listed in a message at most; the rest is counted ("and 3 more"). */
const NAMES_LISTED_MAX = 10;
/** A condition message longer than this is cut (it shows in `kubectl describe node`). */
export const CONDITION_MESSAGE_CHARS_MAX = 1024;

/**
 * The condition for this node's failing probes (probe name -> severity, after flap damping):
 * True with reason ProbesFailing while a critical probe fails (the node is degraded, the
 * original agent's rule), naming them; False with reason Healthy otherwise. Warnings never make
 * it True but are named in the message, so `kubectl describe node` shows them.
 */
export function desiredCondition(failing: ReadonlyMap<string, Severity>): DesiredCondition {
  const critical = [...failing].filter(([, severity]) => severity === "critical").map(([name]) => name).sort();
  const warnings = [...failing].filter(([, severity]) => severity === "warning").map(([name]) => name).sort();
  const warningText = warnings.length > 0 ? `warnings: ${listNames(warnings)}` : "";
  if (critical.length > 0) {
    const message = `failing probes: ${listNames(critical)}${warningText ? `; ${warningText}` : ""}`;
    return { status: "True", reason: "ProbesFailing", message: cut(message) };
  }
  return { status: "False", reason: "Healthy", message: cut(warningText ? `no critical probe failing; ${warningText}` : "all probes passing") };
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_LISTED_MAX).join(", ");
  return names.length > NAMES_LISTED_MAX ? `${shown} and ${names.length - NAMES_LISTED_MAX} more` : shown;
}

function cut(text: string): string {
  return text.length <= CONDITION_MESSAGE_CHARS_MAX ? text : `${text.slice(0, CONDITION_MESSAGE_CHARS_MAX - 3)}...`;
}

export function sameCondition(a: DesiredCondition, b: DesiredCondition | undefined): boolean {
  return b !== undefined && a.status === b.status && a.reason === b.reason && a.message === b.message;
}

/**
 * The condition to write now: lastTransitionTime moves only when the status changes (the
 * Kubernetes convention), lastHeartbeatTime on every write.
 */
export function nextCondition(desired: DesiredCondition, previous: WrittenCondition | undefined, nowIso: string): WrittenCondition {
  const lastTransitionTime = previous && previous.status === desired.status ? previous.lastTransitionTime : nowIso;
  return { ...desired, lastTransitionTime };
}

/**
 * The strategic-merge patch of `nodes/NAME/status` that sets only this condition: Node conditions
 * merge by `type`, so the kubelet's and node-problem-detector's conditions are left alone.
 */
export function conditionPatch(condition: WrittenCondition, nowIso: string): NodeStatusPatch {
  const entry: V1NodeCondition = {
    type: SATELLITE_CONDITION,
    status: condition.status,
    reason: condition.reason,
    message: condition.message,
    lastHeartbeatTime: nowIso as unknown as Date,
    lastTransitionTime: condition.lastTransitionTime as unknown as Date,
  };
  return { status: { conditions: [entry] } };
}

/**
 * Our condition as the Node object shows it, when it is one we could have written (True or
 * False with a known reason); anything else counts as absent.
 */
export function readCondition(conditions: readonly V1NodeCondition[] | undefined): WrittenCondition | undefined {
  // From the network: anything not shaped like a list of conditions counts as no condition.
  const found = Array.isArray(conditions) ? conditions.find((c) => c !== null && typeof c === "object" && c.type === SATELLITE_CONDITION) : undefined;
  if (!found || (found.status !== "True" && found.status !== "False")) return undefined;
  if (found.reason !== "ProbesFailing" && found.reason !== "Healthy") return undefined;
  const transition = found.lastTransitionTime as unknown;
  const lastTransitionTime = transition instanceof Date ? transition.toISOString() : typeof transition === "string" ? transition : undefined;
  if (!lastTransitionTime) return undefined;
  return { status: found.status, reason: found.reason, message: typeof found.message === "string" ? found.message : "", lastTransitionTime };
}
