import { describe, expect, test } from "bun:test";
import { PeerCallLimiter } from "../../src/kv/peer-call-limiter.ts";
import { SatelliteError } from "../../src/platform/errors.ts";

/** A call that finishes when the test says so. */
function pending() {
  let finish: (ok: boolean) => void = () => {};
  const done = new Promise<string>((resolve, reject) => (finish = (ok) => (ok ? resolve("ok") : reject(new Error("failed")))));
  return { done, finish };
}

describe("PeerCallLimiter", () => {
  test("at most inFlightPerPeerMax calls run per peer; the rest wait in order and run as slots free, also after a failure", async () => {
    const limiter = new PeerCallLimiter({ inFlightPerPeerMax: 2, queuedPerPeerMax: 10 });
    const calls = Array.from({ length: 5 }, () => pending());
    const started: number[] = [];
    const results = calls.map((c, i) =>
      limiter
        .run("b:7946", () => {
          started.push(i);
          return c.done;
        })
        .catch((e: unknown) => String(e)),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limiter.load("b:7946")).toEqual({ inFlight: 2, waiting: 3 });
    calls[1]?.finish(false);
    await results[1];
    await Bun.sleep(0);
    expect(started).toEqual([0, 1, 2]);
    calls[0]?.finish(true);
    await results[0];
    await Bun.sleep(0);
    expect(started).toEqual([0, 1, 2, 3]);
    for (const c of calls) c.finish(true);
    expect(await Promise.all(results)).toEqual(["ok", "Error: failed", "ok", "ok", "ok"]);
    expect(limiter.load("b:7946")).toEqual({ inFlight: 0, waiting: 0 });
  });

  test("peers have separate slots", async () => {
    const limiter = new PeerCallLimiter({ inFlightPerPeerMax: 1, queuedPerPeerMax: 10 });
    const a = pending();
    const c = pending();
    const ran: string[] = [];
    const first = limiter.run("a:1", () => (ran.push("a"), a.done));
    const second = limiter.run("c:1", () => (ran.push("c"), c.done));
    await Promise.resolve();
    expect(ran).toEqual(["a", "c"]);
    a.finish(true);
    c.finish(true);
    await Promise.all([first, second]);
  });

  test("a call past the queue bound is refused at once with a code, and the others still run", async () => {
    const limiter = new PeerCallLimiter({ inFlightPerPeerMax: 1, queuedPerPeerMax: 2 });
    const calls = Array.from({ length: 3 }, () => pending());
    const results = calls.map((c) => limiter.run("b:7946", () => c.done));
    const refused = await limiter.run("b:7946", async () => "ran").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SatelliteError);
    expect((refused as SatelliteError).code).toBe("kv_peer_queue_full");
    expect((refused as SatelliteError).message).toContain("b:7946: 2 replica calls wait already behind 1 in flight");
    for (const c of calls) c.finish(true);
    expect(await Promise.all(results)).toEqual(["ok", "ok", "ok"]);
  });
});
