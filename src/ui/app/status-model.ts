/**
 * `/status` as the views use it, read defensively: the JSON relays what other nodes gossiped,
 * so every field is checked, every string and list is bounded, and a field an older or newer
 * agent does not send (`reported_at`, per-peer measurements) is simply absent.
 */
import { readPeerLinks, type PeerLink } from "./peer-links.ts";

export type NodeHealth = "running" | "degraded" | "unknown";

export interface ProbeRow {
  checker: string;
  status: "running" | "failed" | "terminated" | "unknown";
  severity: "critical" | "warning";
  error?: string;
  detail?: string;
  code?: string;
  /** checker_data decoded (a JSON document), when it was valid. */
  data?: unknown;
  /** The maintenance window muting this check on this node. */
  maintenance?: MaintenanceMark;
}

/** A maintenance window's marker: the node or check shows its real state but does not count. */
export interface MaintenanceMark {
  id: string;
  /** When it ends, Unix ms. */
  untilMs: number;
  reason?: string;
  author?: string;
}

/** An active maintenance window of the cluster. */
export interface MaintenanceWindowRow extends MaintenanceMark {
  node?: string;
  check?: string;
}

export interface NodeRow {
  name: string;
  status: NodeHealth;
  /** Gossip state: alive, leaving, left, failed; `unknown` when the agent did not say. */
  member: string;
  addr?: string;
  role?: string;
  tags: Readonly<Record<string, string>>;
  probes: ProbeRow[];
  /** Probes whose status is not running. */
  failing: ProbeRow[];
  /** When the node last reported its status (`reported_at`), Unix ms. */
  reportedAtMs?: number;
  /** Per-peer round trip, loss and clock offset, where the agent serves them. */
  peers: PeerLink[];
  /** Latest measured numbers (`/status?details`), named as in `/history/series?metric=`. */
  metrics: MetricValue[];
  /** The maintenance window muting the node. */
  maintenance?: MaintenanceMark;
}

export interface MetricValue {
  /** `<check>.<key>`. */
  metric: string;
  value: number;
}

export interface ClusterModel {
  status: NodeHealth;
  summary: string;
  /** When the agent rendered it, Unix ms. */
  timestampMs?: number;
  nodes: NodeRow[];
  /** Active maintenance windows, at most WINDOWS_MAX. */
  maintenance: MaintenanceWindowRow[];
}

export const NODES_MAX = 5000;
export const WINDOWS_MAX = 256;
export const PROBES_MAX = 512;
export const TEXT_MAX = 4096;
const TAGS_MAX = 64;

export function text(value: unknown, lengthMax = TEXT_MAX): string | undefined {
  return typeof value === "string" && value !== "" ? value.slice(0, lengthMax) : undefined;
}

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function timeMs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** base64 of a JSON document, or undefined. */
export function decodeCheckerData(value: unknown): unknown {
  if (typeof value !== "string" || value.length > 64 * 1024) return undefined;
  try {
    const bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

export function readProbe(value: unknown): ProbeRow | undefined {
  const p = object(value);
  const checker = text(p?.checker, 253);
  if (!p || !checker) return undefined;
  const probe: ProbeRow = {
    checker,
    status: oneOf(p.status, ["running", "failed", "terminated"] as const, "unknown"),
    severity: p.severity === "warning" ? "warning" : "critical",
  };
  const error = text(p.error);
  const detail = text(p.detail);
  const code = text(p.code, 256);
  const data = decodeCheckerData(p.checker_data);
  const maintenance = readMaintenanceMark(p.maintenance);
  if (maintenance) probe.maintenance = maintenance;
  if (error) probe.error = error;
  if (detail) probe.detail = detail;
  if (code) probe.code = code;
  if (data !== undefined) probe.data = data;
  return probe;
}

export function readNode(value: unknown): NodeRow | undefined {
  const n = object(value);
  const name = text(n?.name, 253) ?? text(n?.node_name, 253);
  if (!n || !name) return undefined;
  const member = object(n.member_status);
  const tags: Record<string, string> = {};
  for (const [key, tag] of Object.entries(object(member?.tags) ?? {}).slice(0, TAGS_MAX)) {
    const v = text(tag, 512);
    if (v !== undefined && key.length <= 128) tags[key] = v;
  }
  const probes = (Array.isArray(n.probes) ? n.probes.slice(0, PROBES_MAX) : []).map(readProbe).filter((p): p is ProbeRow => p !== undefined);
  const row: NodeRow = {
    name,
    status: oneOf(n.status, ["running", "degraded"] as const, "unknown"),
    member: text(member?.status, 32) ?? "unknown",
    tags,
    probes,
    failing: probes.filter((p) => p.status !== "running"),
    peers: readPeerLinks(n, probes),
    metrics: readMetrics(n.metrics),
  };
  const addr = text(member?.addr, 300);
  const reportedAtMs = timeMs(n.reported_at);
  if (addr) row.addr = addr;
  if (tags.role) row.role = tags.role;
  if (reportedAtMs !== undefined) row.reportedAtMs = reportedAtMs;
  const maintenance = readMaintenanceMark(n.maintenance);
  if (maintenance) row.maintenance = maintenance;
  return row;
}

/** `{id, until, reason, author}` as the status JSON marks muted nodes and probes; undefined when malformed. */
export function readMaintenanceMark(value: unknown): MaintenanceMark | undefined {
  const m = object(value);
  const id = text(m?.id, 16);
  const untilMs = timeMs(m?.until);
  if (!m || !id || untilMs === undefined) return undefined;
  const mark: MaintenanceMark = { id, untilMs };
  const reason = text(m.reason, 160);
  const author = text(m.author, 253);
  if (reason) mark.reason = reason;
  if (author) mark.author = author;
  return mark;
}

function readMaintenanceWindow(value: unknown): MaintenanceWindowRow | undefined {
  const mark = readMaintenanceMark(value);
  const w = object(value);
  if (!mark || !w) return undefined;
  const row: MaintenanceWindowRow = { ...mark };
  const node = text(w.node, 253);
  const check = text(w.check, 128);
  if (node) row.node = node;
  if (check) row.check = check;
  return row.node || row.check ? row : undefined;
}

const METRICS_MAX = 256;

/** `[{probe, name, value}]` (or `{metric, value}`) -> metric names with their latest value. */
export function readMetrics(value: unknown): MetricValue[] {
  if (!Array.isArray(value)) return [];
  const out: MetricValue[] = [];
  for (const raw of value.slice(0, METRICS_MAX)) {
    const m = object(raw);
    if (!m || typeof m.value !== "number" || !Number.isFinite(m.value)) continue;
    const probe = text(m.probe, 128);
    const name = text(m.name, 128);
    const metric = text(m.metric, 256) ?? (probe && name ? `${probe}.${name}` : undefined);
    if (metric) out.push({ metric, value: m.value });
  }
  return out;
}

export function readClusterStatus(value: unknown): ClusterModel {
  const s = object(value);
  const nodes = (Array.isArray(s?.nodes) ? s.nodes.slice(0, NODES_MAX) : []).map(readNode).filter((n): n is NodeRow => n !== undefined);
  const maintenance = (Array.isArray(s?.maintenance) ? s.maintenance.slice(0, WINDOWS_MAX) : []).map(readMaintenanceWindow).filter((w): w is MaintenanceWindowRow => w !== undefined);
  const model: ClusterModel = { status: oneOf(s?.status, ["running", "degraded"] as const, "unknown"), summary: text(s?.summary) ?? "", nodes, maintenance };
  const timestampMs = timeMs(s?.timestamp);
  if (timestampMs !== undefined) model.timestampMs = timestampMs;
  return model;
}
