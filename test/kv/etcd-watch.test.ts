import { describe, expect, test } from "bun:test";
import { EtcdGateway } from "../../src/kv/etcd-gateway.ts";
import { EtcdWatch } from "../../src/kv/etcd-watch.ts";
import { type EtcdWatchEvent, utf8 } from "../../src/kv/etcd-wire.ts";
import type { HttpRequest } from "../../src/platform/http-fetch.ts";
import { ManualClock, flushMicrotasks } from "../../src/platform/manual-clock.ts";

/** The watch's resume, compaction and backoff rules over scripted streams and a manual clock. */

const b64 = (text: string) => Buffer.from(text).toString("base64");
const line = (result: unknown) => `${JSON.stringify({ result })}\n`;
const created = (revision: number) => line({ header: { revision: String(revision) }, created: true });
const put = (key: string, revision: number, fragment = false) =>
  line({ header: { revision: String(revision) }, fragment, events: [{ kv: { key: b64(key), mod_revision: String(revision) } }] });

/** Each watch request takes the next script entry: lines of a stream that then ends (or stays open), or "refused". */
function watchWith(script: (string[] | { open: string[] } | "refused")[]) {
  const clock = new ManualClock();
  const requests: Record<string, unknown>[] = [];
  const http = async (request: HttpRequest): Promise<Response> => {
    requests.push((JSON.parse(request.body ?? "{}") as { create_request: Record<string, unknown> }).create_request);
    const next = script.shift();
    if (next === undefined) return new Promise<Response>((_, reject) => request.signal?.addEventListener("abort", () => reject(request.signal?.reason)));
    if (next === "refused") throw Object.assign(new Error("refused"), { code: "ConnectionRefused" });
    if (Array.isArray(next)) return new Response(next.join(""));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(next.open.join("")));
        request.signal?.addEventListener("abort", () => controller.error(request.signal?.reason));
      },
    });
    return new Response(body);
  };
  const events: EtcdWatchEvent[] = [];
  const gateway = new EtcdGateway({ endpoints: ["http://10.0.0.1:2379"], http, clock });
  const watch = new EtcdWatch({ gateway, clock, key: utf8("/p/"), rangeEnd: utf8("/p0"), keyBytesMax: 64, onEvents: (e) => events.push(...e) });
  return { clock, requests, events, watch };
}

describe("EtcdWatch", () => {
  test("a broken stream is opened again at the revision after the last event delivered", async () => {
    const { clock, requests, events, watch } = watchWith([[created(10), put("/p/a", 11), put("/p/b", 12)], { open: [created(12)] }]);
    watch.start();
    await flushMicrotasks();
    expect(requests[0]?.start_revision).toBeUndefined();
    expect(events.map((e) => e.modRevision)).toEqual(["11", "12"]);
    expect(watch.problem).toContain("ended; reconnecting");
    await clock.advance(100);
    expect(requests[1]?.start_revision).toBe("13");
    expect(watch.problem).toBeUndefined();
    await watch.stop();
  });

  test("a fragmented revision is asked for again from its start; a compaction is said and skipped past", async () => {
    const compacted = line({ header: { revision: "40" }, compact_revision: "30", canceled: true });
    const { clock, requests, watch } = watchWith([[created(10), put("/p/a", 20, true)], [compacted], { open: [created(30)] }]);
    watch.start();
    await flushMicrotasks();
    await clock.advance(100);
    expect(requests[1]?.start_revision).toBe("20");
    expect(watch.problem).toContain("compacted its history up to revision 30");
    // No stream was created on the second try: the delay has grown to 200 ms.
    await clock.advance(199);
    expect(requests).toHaveLength(2);
    await clock.advance(1);
    expect(requests[2]?.start_revision).toBe("30");
    expect(watch.problem).toBeUndefined();
    await watch.stop();
  });

  test("reconnects back off 100, 200, 400 ms while etcd refuses, and start over at 100 ms after a stream was created", async () => {
    const { clock, requests, watch } = watchWith(["refused", "refused", "refused", [created(5)], "refused"]);
    watch.start();
    await flushMicrotasks();
    const attemptsAfter = async (ms: number) => {
      await clock.advance(ms);
      return requests.length;
    };
    expect(requests).toHaveLength(1);
    expect(watch.problem).toContain("refused the connection");
    expect(await attemptsAfter(99)).toBe(1);
    expect(await attemptsAfter(1)).toBe(2);
    expect(await attemptsAfter(199)).toBe(2);
    expect(await attemptsAfter(1)).toBe(3);
    expect(await attemptsAfter(399)).toBe(3);
    expect(await attemptsAfter(1)).toBe(4); // created, then ended
    expect(await attemptsAfter(100)).toBe(5);
    await watch.stop();
  });
});
