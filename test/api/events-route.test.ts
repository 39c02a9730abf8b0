import { describe, expect, test } from "bun:test";
import { createLiveEvents, type LiveEventsOptions } from "../../src/api/live-events.ts";
import type { AgentEventInput, ProbeStateEvent } from "../../src/events/agent-event.ts";
import { createEventStream, type EventStream } from "../../src/events/event-stream.ts";
import { flushMicrotasks } from "../../src/platform/manual-clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { readSse } from "../support/sse-client.ts";
import { makeApp } from "./app-fixture.ts";

/** A stream whose subscriptions are counted, so a client that leaks its subscription shows. */
function countedStream(stream: EventStream) {
  let active = 0;
  const counted: EventStream = {
    ...stream,
    subscribe(name, listener) {
      active++;
      const unsubscribe = stream.subscribe(name, listener);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        active--;
        unsubscribe();
      };
    },
  };
  return { counted, active: () => active };
}

function setup(options: Partial<LiveEventsOptions> & { retainedMax?: number } = {}) {
  const fixture = makeApp();
  const raw = createEventStream({ clock: fixture.clock, logger: silentLogger, retainedMax: options.retainedMax });
  const { counted, active } = countedStream(raw);
  const live = createLiveEvents({ stream: counted, clock: fixture.clock, logger: silentLogger, clientsMax: 100, ...options });
  const { app } = makeApp({ liveEvents: live });
  const get = (path = "/events", headers: Record<string, string> = {}) => app.request(path, { headers }, { remoteAddress: "10.1.2.3" });
  return { app, get, stream: raw, live, active, clock: fixture.clock };
}

const probeFailed = (probe: string): ProbeStateEvent => ({ type: "ProbeFailed", node: "n1", probe, oldState: "running", newState: "failed", severity: "critical", error: "down" });
const nodeFailed = (node: string): AgentEventInput => ({ type: "NodeFailed", node, newState: "failed" });

describe("GET /events", () => {
  test("each event is id: seq, event: Type, data: one line of the event's JSON", async () => {
    const { get, stream } = setup();
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const sse = readSse(response);
    const published = stream.publish({ ...probeFailed("docker"), error: "line one\nline two" });
    const [message] = await sse.next();
    expect(message).toEqual({ id: String(published.seq), event: "ProbeFailed", data: JSON.stringify(published) });
    expect(sse.raw()).toContain(`id: 1\nevent: ProbeFailed\ndata: {"type":"ProbeFailed"`);
    expect(JSON.parse(message?.data ?? "")).toMatchObject({ seq: 1, kind: "probe", error: "line one\nline two" });
    await sse.cancel();
  });

  test("?types= takes kinds and type names; an unknown one is 400 naming it and what is allowed", async () => {
    const { get, stream } = setup();
    const sse = readSse(await get("/events?types=cluster,NodeFailed"));
    stream.publish(probeFailed("docker"));
    stream.publish(nodeFailed("n2"));
    stream.publish({ type: "NodeAdded", node: "n3", newState: "alive" });
    stream.publish({ type: "ClusterDegraded", oldState: "running", newState: "degraded" });
    expect((await sse.next(2)).map((m) => `${m.id} ${m.event}`)).toEqual(["2 NodeFailed", "4 ClusterDegraded"]);
    await sse.cancel();

    const bad = await get("/events?types=probe,ProbeFailure");
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string };
    expect(body.error).toContain('types: "ProbeFailure" is not an event kind or type');
    expect(body.error).toContain("kinds probe, node, cluster, user, agent");
    expect(body.error).toContain("ProbeFailed");
    expect((await get("/events?type=probe")).status).toBe(400);
    expect((await get("/events?lastEventId=-1")).status).toBe(400);
    expect((await get("/events", { "last-event-id": "abc" })).status).toBe(400);
  });

  test("a reconnect with Last-Event-ID gets what it missed, then live events; the header wins over ?lastEventId=", async () => {
    const { get, stream } = setup();
    for (const p of ["a", "b", "c", "d"]) stream.publish(probeFailed(p));
    const sse = readSse(await get("/events?lastEventId=1", { "last-event-id": "2" }));
    stream.publish(probeFailed("e"));
    expect((await sse.next(3)).map((m) => m.id)).toEqual(["3", "4", "5"]);
    await sse.cancel();
    const byQuery = readSse(await get("/events?lastEventId=4&types=probe"));
    stream.publish(nodeFailed("n2"));
    stream.publish(probeFailed("f"));
    expect((await byQuery.next(2)).map((m) => m.id)).toEqual(["5", "7"]);
    await byQuery.cancel();
  });

  test("resuming after events the agent forgot says so in-band (gap, how many), then replays what it has", async () => {
    const { get, stream } = setup({ retainedMax: 3 });
    for (let i = 0; i < 10; i++) stream.publish(probeFailed(`p${i}`));
    const sse = readSse(await get("/events", { "last-event-id": "2" }));
    const [gap, ...replayed] = await sse.next(4);
    expect(gap).toEqual({ event: "gap", data: JSON.stringify({ reason: "forgotten", missed: 5 }) });
    expect(replayed.map((m) => m.id)).toEqual(["8", "9", "10"]);
    await sse.cancel();
  });

  test("a Last-Event-ID ahead of the agent (it restarted) is a gap with reason restarted, then everything retained", async () => {
    const { get, stream } = setup();
    stream.publish(probeFailed("a"));
    stream.publish(probeFailed("b"));
    const sse = readSse(await get("/events", { "last-event-id": "500" }));
    const messages = await sse.next(3);
    expect(messages[0]).toEqual({ event: "gap", data: JSON.stringify({ reason: "restarted", missed: 0 }) });
    expect(messages.slice(1).map((m) => m.id)).toEqual(["1", "2"]);
    await sse.cancel();
  });

  test("ids carry the stream's epoch; an id of another run is a restart (everything retained, after a gap), one of this run resumes", async () => {
    const fixture = makeApp();
    const stream = createEventStream({ clock: fixture.clock, logger: silentLogger, epoch: "run2" });
    const live = createLiveEvents({ stream, clock: fixture.clock, logger: silentLogger, clientsMax: 10 });
    const { app } = makeApp({ liveEvents: live });
    const get = (headers: Record<string, string>) => app.request("/events", { headers }, { remoteAddress: "10.1.2.3" });
    for (const probe of ["a", "b", "c"]) stream.publish(probeFailed(probe));
    // The last run had sent fewer events than this one: a bare sequence number could not tell.
    const other = readSse(await get({ "last-event-id": "run1.2" }));
    const afterRestart = await other.next(4);
    expect(afterRestart[0]).toEqual({ event: "gap", data: JSON.stringify({ reason: "restarted", missed: 0 }) });
    expect(afterRestart.slice(1).map((m) => m.id)).toEqual(["run2.1", "run2.2", "run2.3"]);
    await other.cancel();
    const same = readSse(await get({ "last-event-id": "run2.2" }));
    expect((await same.next(1)).map((m) => m.id)).toEqual(["run2.3"]);
    await same.cancel();
    expect((await get({ "last-event-id": "run 2.x" })).status).toBe(400);
  });

  test("a client that reads too slowly loses the oldest events and is told how many before the next one", async () => {
    const { get, stream, live } = setup({ queueLengthMax: 5, bufferedBytesMax: 1 });
    const sse = readSse(await get());
    // One at a time, with time for the client's writer to run: only backpressure holds them up.
    for (let i = 0; i < 50; i++) {
      stream.publish(probeFailed(`p${i}`));
      await flushMicrotasks();
    }
    // Event 1 waits for room; the queue keeps the newest five; the 44 between are dropped and announced.
    const messages = await sse.next(7);
    expect(messages.map((m) => m.id ?? m.data)).toEqual(["1", JSON.stringify({ reason: "slow", missed: 44 }), "46", "47", "48", "49", "50"]);
    expect(messages[1]?.event).toBe("gap");
    const missed = 44;
    expect(live.stats().dropped).toBe(missed);
    await sse.cancel();
  });

  test("a heartbeat comment goes out every 15 s of the injected clock", async () => {
    const { get, clock } = setup();
    const sse = readSse(await get());
    const opening = await sse.until("retry: 2000\n\n");
    expect(opening).toStartWith(": satellite events; newest seq 0\n");
    await clock.advance(14_999);
    expect(sse.raw()).toBe(opening);
    await clock.advance(1);
    expect(await sse.until(":\n\n", opening.length)).toBe(`${opening}:\n\n`);
    await clock.advance(15_000);
    expect(await sse.until(":\n\n:\n\n")).toBe(`${opening}:\n\n:\n\n`);
    await sse.cancel();
  });

  test("a client that disconnects is unsubscribed and forgotten: nothing leaks", async () => {
    const { get, stream, live, active, clock } = setup();
    const clients = await Promise.all([get(), get("/events?types=probe"), get("/events", { "last-event-id": "0" })]);
    expect(active()).toBe(3);
    expect(live.stats().clients).toBe(3);
    for (const response of clients) await readSse(response).cancel();
    await flushMicrotasks();
    expect(active()).toBe(0);
    expect(live.stats()).toMatchObject({ clients: 0, opened: 3 });
    stream.publish(probeFailed("after"));
    await clock.advance(60_000);
    expect(clock.pendingTimers()).toBe(0);
  });

  test("beyond the client bound: 503 with a JSON reason; a freed slot is taken again", async () => {
    const { get } = setup({ clientsMax: 2 });
    const first = await get();
    await get();
    const refused = await get();
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: "too many /events clients: 2 are connected",
      hint: "try again later, close idle watchers, or raise eventsClientsMax in the config file",
    });
    await readSse(first).cancel();
    await flushMicrotasks();
    expect((await get()).status).toBe(200);
  });

  test("closeAll (the agent stopping) ends every response", async () => {
    const { get, live, active } = setup();
    const sse = readSse(await get());
    await live.closeAll();
    expect(await sse.ended()).toBe(true);
    expect(active()).toBe(0);
  });

  test("read-only: no token needed from any address, even when the agent has one", async () => {
    const fixture = makeApp({ apiToken: "0123456789abcdef0123", liveEvents: setup().live });
    const response = await fixture.app.request("/events", {}, { remoteAddress: "10.9.9.9" });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });
});
