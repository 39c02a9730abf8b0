import type { NodeStatus, Probe, Severity } from "../events/health-state.ts";

/**
 * A node's health as gossiped to every member, carried in two serf tags so that it rides on
 * memberlist's alive messages and push/pull (a node that joins late gets every digest in its
 * first push/pull; nothing is lost on a lossy link). The tags are small and readable in
 * `serf members`:
 *   sat      = "<r|d|u>"                (running, degraded, unknown yet)
 *   sat-fail = "docker:c,ntp:w,+3"   (failing checks with severity; "+N" = N more not listed)
 * A member without the `sat` tag does not run Satellite. No version or timestamp: tags are
 * node meta, which memberlist already orders by incarnation, and every byte here is repeated
 * for every member in every push/pull. Fields after a `;` in `sat` are ignored (reserved).
 */
export interface HealthDigest {
  status: NodeStatus;
  failing: { checker: string; severity: Severity }[];
  /** Failing checks that did not fit into the tag. */
  failingOmitted: number;
}

export const DIGEST_TAG = "sat";
export const FAILING_TAG = "sat-fail";

const STATUS_CODE: Record<NodeStatus, string> = { running: "r", degraded: "d", unknown: "u" };
const CODE_STATUS: Record<string, NodeStatus> = { r: "running", d: "degraded", u: "unknown" };

/** The digest of this node's probes. */
export function digestOf(status: NodeStatus, probes: readonly Probe[]): HealthDigest {
  const failing = new Map<string, Severity>();
  for (const p of probes) {
    if (p.status !== "failed") continue;
    const severity = p.severity ?? "critical";
    if (failing.get(p.checker) !== "critical") failing.set(p.checker, severity);
  }
  return { status, failing: [...failing].map(([checker, severity]) => ({ checker, severity })), failingOmitted: 0 };
}

/**
 * The digest as tags, the failing list cut to fit `budgetBytes` of encoded tag text (serf's
 * whole meta is at most 512 bytes and the operator's tags come first).
 */
export function encodeDigestTags(digest: HealthDigest, budgetBytes: number): Record<string, string> {
  const head = STATUS_CODE[digest.status];
  const tags: Record<string, string> = { [DIGEST_TAG]: head };
  let remaining = budgetBytes - DIGEST_TAG.length - head.length - 2 - FAILING_TAG.length - 2;
  const listed: string[] = [];
  const all = [...digest.failing].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
  for (const [index, f] of all.entries()) {
    const item = `${f.checker.replaceAll(",", "_")}:${f.severity === "warning" ? "w" : "c"}`;
    const more = all.length - index - 1 + digest.failingOmitted;
    const reserve = more > 0 ? `,+${more}`.length : 0;
    if (Buffer.byteLength(item) + 1 + reserve > remaining) break;
    listed.push(item);
    remaining -= Buffer.byteLength(item) + 1;
  }
  const omitted = all.length - listed.length + digest.failingOmitted;
  if (omitted > 0) listed.push(`+${omitted}`);
  if (listed.length > 0) tags[FAILING_TAG] = listed.join(",");
  return tags;
}

/** A listed failing check: a name without control characters, then `:c` or `:w`. */
const FAILING_ITEM = /^([^\u0000-\u001f\u007f-\u009f,]{1,128}):([cw])$/;
/** The count of checks that did not fit: at most six digits (a node runs far fewer checks). */
const OMITTED_ITEM = /^\+([1-9][0-9]{0,5})$/;

/**
 * The digest a member's tags carry; undefined when it runs no Satellite or the status is
 * malformed. Tags come from the network: list items that do not parse are left out, never
 * guessed at.
 */
export function decodeDigestTags(tags: Readonly<Record<string, string>>): HealthDigest | undefined {
  const head = tags[DIGEST_TAG];
  if (head === undefined) return undefined;
  const end = head.indexOf(";");
  const code = end < 0 ? head : head.slice(0, end);
  const status = Object.hasOwn(CODE_STATUS, code) ? CODE_STATUS[code] : undefined;
  if (!status) return undefined;
  const failing: HealthDigest["failing"] = [];
  let failingOmitted = 0;
  for (const item of (tags[FAILING_TAG] ?? "").split(",")) {
    const omitted = OMITTED_ITEM.exec(item);
    if (omitted) {
      failingOmitted = Number(omitted[1]);
      continue;
    }
    const listed = FAILING_ITEM.exec(item);
    if (listed) failing.push({ checker: listed[1] as string, severity: listed[2] === "w" ? "warning" : "critical" });
  }
  return { status, failing, failingOmitted };
}

/** Tags without the digest: what the operator configured. */
export function withoutDigestTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  const { [DIGEST_TAG]: _d, [FAILING_TAG]: _f, ...rest } = tags;
  return rest;
}

/** Probes as a remote node's digest shows them (no details; `GET /local` on that node has them). */
export function probesFromDigest(digest: HealthDigest): Probe[] {
  const probes: Probe[] = digest.failing.map((f) => ({
    checker: f.checker,
    status: "failed",
    ...(f.severity === "warning" ? { severity: "warning" as const } : {}),
  }));
  if (digest.failingOmitted > 0) probes.push({ checker: "more", status: "failed", detail: `${digest.failingOmitted} more failing checks; see this node's /local` });
  return probes;
}
