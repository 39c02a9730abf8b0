import { describe, expect, test } from "bun:test";
import { kvErrorStatus } from "../../src/api/kv-error-status.ts";
import { kvRoutes } from "../../src/api/kv-routes.ts";
import type { KvBackend } from "../../src/kv/kv-backend.ts";
import { SatelliteError } from "../../src/platform/errors.ts";

describe("kvErrorStatus", () => {
  test.each([
    ["kv_value_too_large", 413],
    ["kv_etcd_request_too_large", 413],
    ["kv_etcd_permission_denied", 403],
    ["kv_key_empty", 400],
    ["kv_key_too_long", 400],
    ["kv_key_invalid", 400],
    ["kv_prefix_invalid", 400],
    ["kv_list_limit_invalid", 400],
    ["kv_etcd_bad_answer", 502],
    ["kv_answer_too_large", 502],
    ["kv_stream_line_too_long", 502],
    ["kv_write_no_quorum", 503],
    ["kv_etcd_unreachable", 503],
    ["kv_etcd_rejected", 503],
    ["kv_peer_queue_full", 503],
    ["kv_closed", 503],
    ["something_else", 500],
  ] as const)("%s -> %d", (code, status) => {
    expect(kvErrorStatus(code)).toBe(status);
  });
});

/** A backend whose every call fails with `error`. */
function refusing(error: SatelliteError): KvBackend {
  const fail = async () => {
    throw error;
  };
  return { kind: "etcd", get: fail, put: fail, delete: fail, list: fail, onChange: () => () => {}, health: () => ({ kind: "etcd", problems: [] }), close: async () => {} };
}

describe("/kv answers for etcd refusals", () => {
  test("a value too large for etcd is 413 with etcd's words and the hint", async () => {
    const error = new SatelliteError("kv_etcd_request_too_large", "etcd at http://10.0.0.5:2379 refused the request: etcdserver: request is too large", { hint: "store a smaller value" });
    const answer = await kvRoutes(refusing(error)).request("/kv/big", { method: "PUT", body: "x" });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ error: error.message, code: "kv_etcd_request_too_large", hint: "store a smaller value" });
  });

  test("etcd's permission denied is 403, for reads and writes", async () => {
    const error = new SatelliteError("kv_etcd_permission_denied", "etcd at http://10.0.0.5:2379 refused access: etcdserver: permission denied");
    const routes = kvRoutes(refusing(error));
    expect((await routes.request("/kv/app/x")).status).toBe(403);
    expect((await routes.request("/kv/app/x", { method: "DELETE" })).status).toBe(403);
    const list = await routes.request("/kv/?prefix=app/");
    expect(list.status).toBe(403);
    expect(((await list.json()) as { code: string }).code).toBe("kv_etcd_permission_denied");
  });

  test("etcd out of reach stays 503, so clients retry", async () => {
    const routes = kvRoutes(refusing(new SatelliteError("kv_etcd_unreachable", "no etcd endpoint answered")));
    expect((await routes.request("/kv/app/x")).status).toBe(503);
  });
});
