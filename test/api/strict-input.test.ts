import { describe, expect, test } from "bun:test";
import { REQUEST_BODY_BYTES_MAX } from "../../src/api/body-limit.ts";
import { JOIN_ADDRESSES_MAX } from "../../src/api/join-request.ts";
import { makeApp } from "./app-fixture.ts";

const loopback = { remoteAddress: "127.0.0.1" };

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

/** A body that arrives in chunks without a Content-Length, `chunks` of `chunkBytes`, pulled only when read. */
function streamed(chunkBytes: number, chunks: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= chunks) return controller.close();
        pulled++;
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
      },
    },
    { highWaterMark: 0 },
  );
  return { body, pulled: () => pulled };
}

describe("request bodies are bounded", () => {
  test("a declared Content-Length over 64 KiB is 413 before anything is read", async () => {
    const { app, state } = makeApp();
    const body = JSON.stringify({ addresses: ["10.0.0.2:7946"], pad: "x".repeat(REQUEST_BODY_BYTES_MAX) });
    const response = await app.request("/join", { method: "POST", body, headers: { "content-length": String(body.length) } }, loopback);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "request body is larger than 65536 bytes", hint: expect.stringContaining("at most 64 addresses") });
    expect(state.joined).toEqual([]);
    const declared = streamed(16 * 1024, 10);
    const refused = await app.request("/join", { method: "POST", body: declared.body, headers: { "content-length": String(REQUEST_BODY_BYTES_MAX + 1) }, duplex: "half" } as RequestInit, loopback);
    expect(refused.status).toBe(413);
    expect(declared.pulled()).toBe(0);
  });

  test("a streamed body with no length is counted and reading stops at the bound: 413", async () => {
    const { app } = makeApp();
    const endless = streamed(16 * 1024, 64);
    const response = await app.request("/join", { method: "POST", body: endless.body, duplex: "half" } as RequestInit, loopback);
    expect(response.status).toBe(413);
    expect(endless.pulled()).toBeLessThanOrEqual(REQUEST_BODY_BYTES_MAX / (16 * 1024) + 3);
  });

  test("a small declared length does not hide a large streamed body", async () => {
    const { app } = makeApp();
    const lying = streamed(8 * 1024, 20);
    const response = await app.request("/leave", { method: "POST", body: lying.body, headers: { "content-length": "10" }, duplex: "half" } as RequestInit, loopback);
    expect(response.status).toBe(413);
  });

  test("up to the bound is read and handed on; a Content-Length that is not a number is 400", async () => {
    const { app, state } = makeApp();
    const json = JSON.stringify({ addresses: ["10.0.0.2:7946"] });
    const exact = json + " ".repeat(REQUEST_BODY_BYTES_MAX - json.length);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(exact);
        for (let at = 0; at < bytes.length; at += 10_000) controller.enqueue(bytes.subarray(at, at + 10_000));
        controller.close();
      },
    });
    expect((await app.request("/join", { method: "POST", body: chunked, duplex: "half" } as RequestInit, loopback)).status).toBe(200);
    expect(state.joined).toEqual(["10.0.0.2:7946"]);
    expect((await app.request("/join", { method: "POST", body: `${exact} ` }, loopback)).status).toBe(413);
    const bad = await app.request("/join", { method: "POST", body: json, headers: { "content-length": "12abc" } }, loopback);
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toBe('Content-Length "12abc" is not a byte count');
  });
});

describe("POST /join takes a bounded list of strictly checked addresses", () => {
  const join = (app: ReturnType<typeof makeApp>["app"], body: unknown) =>
    app.request("/join", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }, loopback);

  test(`${JOIN_ADDRESSES_MAX} addresses are fine, one more is 400 saying the limit`, async () => {
    const { app, state } = makeApp();
    const many = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}:7946`);
    expect((await join(app, { addresses: many(JOIN_ADDRESSES_MAX) })).status).toBe(200);
    expect(state.joined.length).toBe(JOIN_ADDRESSES_MAX);
    const tooMany = await join(app, { addresses: many(JOIN_ADDRESSES_MAX + 1) });
    expect(tooMany.status).toBe(400);
    expect(await errorOf(tooMany)).toBe("65 addresses is more than the 64 one join may name");
    expect(state.joined.length).toBe(JOIN_ADDRESSES_MAX);
  });

  test.each([
    ["10.0.0.1:99999", 'addresses[0] "10.0.0.1:99999" has a bad port; expected 1-65535'],
    ["10.0.0.1:0", 'addresses[0] "10.0.0.1:0" has a bad port; expected 1-65535'],
    ["10.0.0.1:-1", 'addresses[0] "10.0.0.1:-1" has a bad port; expected 1-65535'],
    ["10.0.0.1:7946x", 'addresses[0] "10.0.0.1:7946x" has a bad port; expected 1-65535'],
    ["10.0.0.1:", 'addresses[0] "10.0.0.1:" has a bad port; expected 1-65535'],
    ["host name:7946", 'addresses[0] "host name:7946" has spaces or characters that are not printable ASCII'],
    ["", 'addresses[0] "" has spaces or characters that are not printable ASCII'],
    ["[nothost]:7946", 'addresses[0] "[nothost]:7946" has brackets around something that is not an IPv6 address'],
    [":7946", 'addresses[0] ":7946" has a host that is neither an IP address nor a DNS name'],
    ["a:b:c", 'addresses[0] "a:b:c" has a bad port; expected 1-65535'],
    ["-bad-.example:1", 'addresses[0] "-bad-.example:1" has a host that is neither an IP address nor a DNS name'],
    ["999.1.1.1:1", 'addresses[0] "999.1.1.1:1" has a host that is neither an IP address nor a DNS name'],
    [`${"a".repeat(300)}:1`, `addresses[0] "${"a".repeat(80)}" is longer than 261 characters`],
    [7946, "addresses[0] 7946 is not a string"],
  ] as const)("%p is 400 naming it, never 500", async (address, message) => {
    const { app, state } = makeApp();
    const response = await join(app, { addresses: [address] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: message, hint: "use host:port of a peer's gossip port, e.g. 10.0.0.5:7946" });
    expect(state.joined).toEqual([]);
  });

  test("good forms: IPv4, DNS names, bracketed and bare IPv6, a bare host (port 7946)", async () => {
    const { app, state } = makeApp();
    const good = ["10.0.0.1:7946", "node-2.example.com:65535", "[fd00::1]:7946", "fd00::2", "node-3", "10.0.0.4"];
    expect((await join(app, { addresses: good })).status).toBe(200);
    expect(state.joined).toEqual(good);
  });

  test("the body's shape: not JSON, not an object, unknown keys, an empty list", async () => {
    const { app } = makeApp();
    expect(await errorOf(await join(app, "{"))).toStartWith("body is not JSON");
    expect(await errorOf(await join(app, ["10.0.0.1:7946"]))).toBe('body must be a JSON object: the body is {"addresses": ["host:port", ...]}');
    expect(await errorOf(await join(app, { addresses: ["10.0.0.1:7946"], force: true }))).toBe('unknown key "force": the body is {"addresses": ["host:port", ...]}');
    expect(await errorOf(await join(app, { addresses: [] }))).toBe('addresses must be a non-empty list: the body is {"addresses": ["host:port", ...]}');
  });
});

describe("query parameters are parsed strictly", () => {
  const get = async (path: string) => {
    const { app } = makeApp();
    const response = await app.request(path);
    return { status: response.status, body: (await response.json()) as { error?: string; hint?: string } };
  };

  test.each([
    ["/history?limit=100000", 200],
    ["/history?limit=1", 200],
    ["/history?since=90m", 200],
    ["/history?since=1h30m", 200],
    ["/history?since=2026-11-22T11:00:00Z", 200],
    ["/history?since=2026-11-22T11:00:00.123456789%2B01:00", 200],
    ["/history?since=2026-11-22", 200],
    ["/history?since=1763800000000", 200],
    ["/history/series?checker=tcp&since=24h&step=5m&until=1h", 200],
    ["/history/series?checker=tcp&step=1s", 200],
    ["/history/series?checker=tcp&step=31d", 200],
    ["/history/series?metric=host-metrics.cpu.usedPercent&node=n1&since=24h&step=5m", 200],
    ["/history/series?metric=peer.rttP95Ms&node=n1&peer=n2", 200],
  ] as const)("%p is accepted", async (path, status) => {
    expect((await get(path)).status).toBe(status);
  });

  test.each([
    ["/history?limit=0", "limit must be a whole number from 1 to 100000 (got 0)"],
    ["/history?limit=100001", "limit must be a whole number from 1 to 100000 (got 100001)"],
    ["/history?limit=-1", 'limit must be a whole number from 1 to 100000 (got "-1")'],
    ["/history?limit=10abc", 'limit must be a whole number from 1 to 100000 (got "10abc")'],
    ["/history?limit=1.5", 'limit must be a whole number from 1 to 100000 (got "1.5")'],
    ["/history?limit=1e3", 'limit must be a whole number from 1 to 100000 (got "1e3")'],
    ["/history?limit=%205", 'limit must be a whole number from 1 to 100000 (got " 5")'],
    ["/history?limit=99999999999999999999", 'limit must be a whole number from 1 to 100000 (got "99999999999999999999")'],
    ["/history?limit=", 'limit must be a whole number from 1 to 100000 (got "")'],
    ["/history?since=1hx", 'since must be a duration back from now (1h, 30m, 7d; at most 3660d), an RFC 3339 time (2026-01-02T15:04:05Z) or Unix milliseconds (got "1hx")'],
    ["/history?since=-1h", "since must be a duration back from now"],
    ["/history?since=yesterday", "since must be a duration back from now"],
    ["/history?since=99999d", "since must be a duration back from now"],
    ["/history?since=2026-02-30", 'since must be a duration back from now (1h, 30m, 7d; at most 3660d), an RFC 3339 time (2026-01-02T15:04:05Z) or Unix milliseconds (got "2026-02-30": no such date or time)'],
    ["/history?since=2026-11-22T25:00:00Z", "no such date or time"],
    ["/history?since=2026-11-22garbage", "since must be a duration back from now"],
    ["/history?since=99999999999999999", "since must be a duration back from now"],
    ["/history?since=123", "since must be a duration back from now"],
    ["/history?type=Nope", 'type "Nope" is unknown; allowed: '],
    ["/history?node=a%00b", 'node must be 1 to 253 printable characters (got "a\u0000b")'],
    ["/history?probe=", 'probe must be 1 to 253 printable characters (got "")'],
    [`/history?node=${"n".repeat(254)}`, "node must be 1 to 253 printable characters"],
    ["/history?nodes=n1", 'unknown query parameter "nodes"'],
    ["/history?limit=1&limit=2", 'query parameter "limit" is given 2 times; give it once'],
    ["/history/series", "checker or metric is required"],
    ["/history/series?checker=tcp&metric=tcp.durationMs", "give checker or metric, not both"],
    ["/history/series?checker=tcp&peer=n2", "peer goes with metric"],
    ["/history/series?metric=bad%20name", 'metric must be 1 to 320 characters of A-Z a-z 0-9 _ . -, not starting with . or - (got "bad name")'],
    ["/history/series?metric=", "metric must be 1 to 320 characters"],
    [`/history/series?metric=${"m".repeat(321)}`, "metric must be 1 to 320 characters"],
    ["/history/series?metric=peer.rttP95Ms&peer=", 'peer must be 1 to 253 printable characters (got "")'],
    ["/history/series?metric=a&metric=b", 'query parameter "metric" is given 2 times; give it once'],
    ["/history/series?checker=tcp&step=0s", 'step must be a duration from 1s to 31d with a unit, e.g. 30s, 5m, 1h30m, 7d (got "0s")'],
    ["/history/series?checker=tcp&step=32d", "step must be a duration from 1s to 31d"],
    ["/history/series?checker=tcp&step=1m%20", "step must be a duration from 1s to 31d"],
    ["/history/series?checker=tcp&step=60000", "step must be a duration from 1s to 31d"],
    ["/history/series?checker=tcp&step=-1m", "step must be a duration from 1s to 31d"],
    ["/history/series?checker=tcp&until=soon", "until must be a duration back from now"],
    ["/history/series?checker=tcp&since=1h&until=2h", "until (2026-11-22T10:00:00.000Z) must be after since (2026-11-22T11:00:00.000Z)"],
    ["/history/series?checker=tcp&stepp=1m", 'unknown query parameter "stepp"'],
  ] as const)("%p is 400: %p", async (path, message) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error).toContain(message);
  });

  test("an unknown parameter's answer lists the allowed ones", async () => {
    expect((await get("/history?x=1")).body.hint).toBe("allowed: node, probe, type, since, limit");
    expect((await get("/history/series?x=1")).body.hint).toBe("allowed: checker, metric, node, peer, since, until, step");
  });

  test("until bounds the series: samples at or after it are left out", async () => {
    const { app, history, clock } = makeApp();
    const now = clock.nowMs();
    await history.appendSamples([
      { ts: now - 30 * 60_000, node: "n1", checker: "tcp", status: "running", durationMs: 2 },
      { ts: now - 5 * 60_000, node: "n1", checker: "tcp", status: "failed", durationMs: 4, error: "refused" },
    ]);
    const body = async (path: string) => ((await (await app.request(path)).json()) as { points: { count: number }[] }).points.length;
    expect(await body("/history/series?checker=tcp&since=1h&step=1m")).toBe(2);
    expect(await body("/history/series?checker=tcp&since=1h&until=10m&step=1m")).toBe(1);
  });
});
