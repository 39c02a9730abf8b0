import { describe, expect, test } from "bun:test";
import { EtcdGateway } from "../../src/kv/etcd-gateway.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import type { HttpFetch, HttpRequest } from "../../src/platform/http-fetch.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

/** The gateway's failover, login and error rules over a scripted network: no sockets, no sleeps. */

const A = "http://10.0.0.1:2379";
const B = "http://10.0.0.2:2379";
const OK = JSON.stringify({ header: { revision: "5" } });
const grpcError = (status: number, code: number, message: string) => new Response(JSON.stringify({ error: message, message, code }), { status });

type Script = (request: HttpRequest) => Response | Promise<Response>;

function scripted(script: Script): { http: HttpFetch; calls: HttpRequest[] } {
  const calls: HttpRequest[] = [];
  return {
    calls,
    http: async (request) => {
      calls.push(request);
      return script(request);
    },
  };
}

async function refusal(promise: Promise<unknown>): Promise<SatelliteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SatelliteError) return error;
    throw error;
  }
  throw new Error("expected a SatelliteError");
}

describe("EtcdGateway", () => {
  test("a member without a leader (Unavailable) sends the call to the next; later calls start there", async () => {
    const { http, calls } = scripted((r) => (r.url.startsWith(A) ? grpcError(503, 14, "etcdserver: no leader") : new Response(OK)));
    const gateway = new EtcdGateway({ endpoints: [A, B], http, clock: new ManualClock() });
    expect((await gateway.call("/v3/kv/range", {}, 1000)).endpoint).toBe(B);
    await gateway.call("/v3/kv/range", {}, 1000);
    expect(calls.map((c) => c.url)).toEqual([`${A}/v3/kv/range`, `${B}/v3/kv/range`, `${B}/v3/kv/range`]);
    expect(gateway.currentProblem()).toBeUndefined();
  });

  test("a refusal of the request itself (InvalidArgument) is not tried elsewhere", async () => {
    const { http, calls } = scripted(() => grpcError(400, 3, "etcdserver: request is too large"));
    const gateway = new EtcdGateway({ endpoints: [A, B], http, clock: new ManualClock() });
    const error = await refusal(gateway.call("/v3/kv/put", {}, 1000));
    expect(error.code).toBe("kv_etcd_request_too_large");
    expect(error.message).toBe(`etcd at ${A} refused the request: etcdserver: request is too large`);
    expect(calls).toHaveLength(1);
    expect(gateway.currentProblem()).toBeUndefined();
  });

  test("a refusal for another reason keeps the general code", async () => {
    const { http } = scripted(() => grpcError(400, 9, "etcdserver: duplicate key given in txn request"));
    const gateway = new EtcdGateway({ endpoints: [A, B], http, clock: new ManualClock() });
    const error = await refusal(gateway.call("/v3/kv/txn", {}, 1000));
    expect(error.code).toBe("kv_etcd_rejected");
    expect(error.hint).toBe("see etcd's message; the request was not applied");
  });

  test("every endpoint down: one error listing each, with what to do; health shows it for 30 s", async () => {
    const { http } = scripted((r) => {
      throw Object.assign(new Error("Unable to connect"), { code: "ConnectionRefused", path: r.url });
    });
    const clock = new ManualClock();
    const gateway = new EtcdGateway({ endpoints: [A, B], http, clock });
    const error = await refusal(gateway.call("/v3/kv/range", {}, 1000));
    expect(error.code).toBe("kv_etcd_unreachable");
    expect(error.message).toBe(`no etcd endpoint answered: etcd at ${A} refused the connection: is etcd running?; etcd at ${B} refused the connection: is etcd running?`);
    expect(gateway.currentProblem()).toBe(error.message);
    await clock.advance(30_000);
    expect(gateway.currentProblem()).toBe(error.message);
    await clock.advance(1);
    expect(gateway.currentProblem()).toBeUndefined();
  });

  test("a member that does not answer is given up after the timeout (on the injected clock), then the next serves", async () => {
    const clock = new ManualClock();
    const { http } = scripted((r) =>
      r.url.startsWith(A)
        ? new Promise<Response>((_, reject) => r.signal?.addEventListener("abort", () => reject(r.signal?.reason)))
        : new Response(OK),
    );
    const gateway = new EtcdGateway({ endpoints: [A, B], http, clock, requestTimeoutMs: 300 });
    const call = gateway.call("/v3/kv/range", {}, 1000);
    await clock.advance(299);
    let settled = false;
    void call.then(() => (settled = true));
    await clock.advance(0);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect((await call).endpoint).toBe(B);
  });

  test("a login per endpoint; an expired token is renewed once and the call retried", async () => {
    let issued = 0;
    const valid = new Set<string>();
    const { http, calls } = scripted((r) => {
      if (r.url.endsWith("/v3/auth/authenticate")) {
        const token = `token-${++issued}`;
        valid.add(token);
        return new Response(JSON.stringify({ header: {}, token }));
      }
      return valid.has(r.headers?.authorization ?? "") ? new Response(OK) : grpcError(401, 16, "etcdserver: invalid auth token");
    });
    const gateway = new EtcdGateway({ endpoints: [A], http, clock: new ManualClock(), credentials: { username: "root", password: "pw" } });
    await gateway.call("/v3/kv/range", {}, 1000);
    await gateway.call("/v3/kv/range", {}, 1000);
    valid.clear(); // etcd restarted: its simple tokens are gone
    await gateway.call("/v3/kv/range", {}, 1000);
    expect(calls.map((c) => c.url.replace(A, ""))).toEqual(["/v3/auth/authenticate", "/v3/kv/range", "/v3/kv/range", "/v3/kv/range", "/v3/auth/authenticate", "/v3/kv/range"]);
    expect(calls.filter((c) => c.url.endsWith("/v3/kv/range")).map((c) => c.headers?.authorization)).toEqual(["token-1", "token-1", "token-1", "token-2"]);
  });

  test("a 404 without etcd's JSON says the endpoint is not etcd's gateway; credentials in a URL never show", async () => {
    const secret = "http://user:hunter2@10.0.0.3:2379";
    const { http } = scripted(() => new Response("404 page not found", { status: 404 }));
    const gateway = new EtcdGateway({ endpoints: [secret], http, clock: new ManualClock() });
    const error = await refusal(gateway.call("/v3/kv/range", {}, 1000));
    expect(error.message).toBe("etcd at http://user:***@10.0.0.3:2379 has no v3 JSON gateway at this path (HTTP 404): is it etcd 3.4 or newer?");
  });
});
