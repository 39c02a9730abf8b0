import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Codes of refusals that are the caller's to fix, and the status each answers. */
const CALLER_FAULTS: Readonly<Record<string, ContentfulStatusCode>> = {
  kv_value_too_large: 413,
  kv_etcd_request_too_large: 413,
  kv_etcd_permission_denied: 403,
  kv_prefix_invalid: 400,
  kv_list_limit_invalid: 400,
};

/** Codes of a backend that answered something Satellite cannot use: retrying does not help. */
const UPSTREAM_FAULTS = new Set(["kv_etcd_bad_answer", "kv_answer_too_large", "kv_stream_line_too_long"]);

/**
 * The HTTP status of a key-value backend's refusal, by its SatelliteError code: the caller's
 * fault 400/403/413, an unusable answer from etcd 502, any other store condition (no quorum,
 * etcd unreachable, a full queue, closing) 503 so clients retry, anything else 500.
 */
export function kvErrorStatus(code: string): ContentfulStatusCode {
  const callerFault = CALLER_FAULTS[code];
  if (callerFault !== undefined) return callerFault;
  if (code.startsWith("kv_key_")) return 400;
  if (UPSTREAM_FAULTS.has(code)) return 502;
  return code.startsWith("kv_") ? 503 : 500;
}
