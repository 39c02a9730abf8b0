import { METRIC_NAMES_MAX, type MetricNamesQuery } from "../store/metric-series.ts";
import type { Parsed } from "./json-body.ts";
import { readInteger, readName } from "./query-values.ts";

/** `GET /history/metrics?node=&prefix=&limit=` as it arrives. */
export interface MetricNamesQueryText {
  node?: string;
  prefix?: string;
  limit?: string;
}

export const METRIC_NAMES_QUERY_PARAMS = ["node", "prefix", "limit"] as const satisfies readonly (keyof MetricNamesQueryText)[];
/** Names listed when no limit is asked for. */
export const METRIC_NAMES_DEFAULT_LIMIT = 200;
const PREFIX_CHARS_MAX = 128;

/** The node is required (names are per node); the prefix is optional (at most 128 printable characters). */
export function parseMetricNamesQuery(params: MetricNamesQueryText): Parsed<MetricNamesQuery> {
  if (params.node === undefined) return { ok: false, error: "node is required: the names of which node's metrics?", hint: "`satellite members` lists the names" };
  const node = readName("node", params.node);
  if (typeof node !== "string") return { ok: false, error: node.error };
  const prefix = params.prefix ?? "";
  if (prefix.length > PREFIX_CHARS_MAX || /[\u0000-\u001f\u007f]/.test(prefix)) return { ok: false, error: `prefix must be at most ${PREFIX_CHARS_MAX} printable characters` };
  const limit = params.limit === undefined ? METRIC_NAMES_DEFAULT_LIMIT : readInteger("limit", params.limit, 1, METRIC_NAMES_MAX);
  if (typeof limit === "string") return { ok: false, error: limit };
  return { ok: true, value: { node, prefix, limit } };
}
