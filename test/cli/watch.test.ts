import { describe, expect, test } from "bun:test";
import { parse as parseYaml } from "yaml";
import { createLiveEvents, type LiveEvents } from "../../src/api/live-events.ts";
import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { formatEventLine } from "../../src/cli/event-line.ts";
import { loadRootCommand } from "../../src/cli/root-command.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import type { AgentEventInput } from "../../src/events/agent-event.ts";
import { createEventStream, type EventStream } from "../../src/events/event-stream.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { makeApp } from "../api/app-fixture.ts";

// Commands load on first use (import()); the waits below count event-loop turns, so the modules
// are evaluated before run() is called, or a slow disk makes the first run miss what it should see.
await loadRootCommand();

/** One agent "process": an app with its own event stream, as a restart would give. */
function agentProcess(clock: ManualClock) {
  const stream = createEventStream({ clock, logger: silentLogger });
  const live = createLiveEvents({ stream, clock, logger: silentLogger, clientsMax: 10 });
  const { app } = makeApp({ liveEvents: live });
  return { stream, live, app };
}

/**
 * `satellite watch` against in-process agents (no sockets): fetch goes to whichever agent is
 * up (none: connection refused), time is a manual clock, SIGINT is a function.
 */
function harness() {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 20, 0, 0));
  const out: string[] = [];
  const err: string[] = [];
  const requests: { url: string; lastEventId: string | null }[] = [];
  let agent: ReturnType<typeof agentProcess> | undefined = agentProcess(clock);
  let interrupt: (signal: string) => void = () => {};
  /** When set, answers the next request instead of the agent (and is cleared). */
  let nextAnswer: ((signal: AbortSignal) => Response) | undefined;
  const deps: CliDeps = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    clock,
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      requests.push({ url, lastEventId: new Headers(init?.headers).get("last-event-id") });
      const answer = nextAnswer;
      nextAnswer = undefined;
      if (answer && init?.signal) return answer(init.signal);
      if (!agent) throw new Error("Unable to connect. Is the computer able to access the url?");
      return agent.app.request(url.replace(/^http:\/\/[^/]+/, ""), init, { remoteAddress: "127.0.0.1" });
    }) as typeof fetch,
    readFile: () => {
      throw new Error("no files here");
    },
    hostname: () => "h",
    cwd: () => "/work",
    agentPlatform: () => {
      throw new Error("not in this test");
    },
    waitForStopSignal: () => new Promise((resolve) => (interrupt = resolve)),
  };
  return {
    clock,
    out,
    err,
    requests,
    agent: () => agent as { stream: EventStream; live: LiveEvents },
    /** The agent stops (its responses end) and stays down until `restart`. */
    async stopAgent() {
      await agent?.live.closeAll();
      agent = undefined;
    },
    restart() {
      agent = agentProcess(clock);
    },
    answerNextWith(answer: (signal: AbortSignal) => Response) {
      nextAnswer = answer;
    },
    run: (...args: string[]) => runCli(["watch", ...args], deps),
    /** Until the watch's stream is open at the agent: what is published from then on reaches it. */
    connected: () => until(() => (agent?.live.stats().clients ?? 0) === 1, "the watch connected"),
    interrupt: () => interrupt("SIGINT"),
  };
}

/** Lets the in-process stream, the watch loop and the app exchange what they have. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await settle();
  if (!condition()) throw new Error(`never happened: ${what}`);
}

const probeFailed: AgentEventInput = { type: "ProbeFailed", node: "n1", probe: "docker", oldState: "running", newState: "failed", severity: "critical", error: "Cannot connect to the Docker daemon" };

describe("satellite watch", () => {
  test("prints each event as one line until SIGINT, then exits 0 and leaves no client behind", async () => {
    const h = harness();
    const exit = h.run();
    await h.connected();
    h.agent().stream.publish(probeFailed);
    h.agent().stream.publish({ type: "NodeFailed", node: "n2", addr: "10.0.0.2:7946", newState: "failed" });
    await until(() => h.out.length === 2, "two lines");
    expect(h.out).toEqual([
      '2026-12-01T20:00:00.000Z ProbeFailed node=n1 probe=docker state=failed error="Cannot connect to the Docker daemon"',
      "2026-12-01T20:00:00.000Z NodeFailed node=n2 addr=10.0.0.2:7946 state=failed",
    ]);
    expect(h.requests.map((r) => r.url)).toEqual(["http://127.0.0.1:7575/events"]);
    h.interrupt();
    expect(await exit).toBe(0);
    await settle();
    expect(h.agent().live.stats().clients).toBe(0);
    expect(h.err).toEqual([]);
  });

  test("--json prints each event as one JSON object per line; --types is the filter", async () => {
    const h = harness();
    const exit = h.run("--json", "--types", "cluster,ProbeFailed", "--addr", "10.0.0.5:7000");
    await h.connected();
    h.agent().stream.publish({ type: "NodeAdded", node: "n3", newState: "alive" });
    const published = h.agent().stream.publish(probeFailed);
    await until(() => h.out.length === 1, "one line");
    expect(h.out.map((line) => JSON.parse(line))).toEqual([published]);
    expect(h.requests[0]?.url).toBe("http://10.0.0.5:7000/events?types=cluster%2CProbeFailed");
    h.interrupt();
    expect(await exit).toBe(0);
  });

  test("-o json is --json; -o yaml prints one YAML document per event; a bad -o exits 2", async () => {
    const h = harness();
    const exit = h.run("-o", "yaml");
    await h.connected();
    const published = h.agent().stream.publish(probeFailed);
    await until(() => h.out.length === 1, "one document");
    expect(h.out[0]).toStartWith("---\n");
    expect(parseYaml(h.out[0] ?? "")).toEqual(published);
    h.interrupt();
    expect(await exit).toBe(0);
    expect(await h.run("-o", "xml")).toBe(2);
  });

  test("an unknown type exits 2 naming --types, before asking the agent", async () => {
    const h = harness();
    expect(await h.run("--types", "probes")).toBe(2);
    expect(h.err.join("\n")).toContain('satellite watch: --types: "probes" is not an event kind or type');
    expect(h.err.join("\n")).toContain("e.g. --types probe,NodeFailed");
    expect(h.err.join("\n")).not.toContain("/events?");
    expect(h.requests).toEqual([]);
  });

  test("exits 2 when the agent cannot be reached at start", async () => {
    const h = harness();
    await h.stopAgent();
    expect(await h.run("--rpc-port", "7999")).toBe(2);
    expect(h.err.join("\n")).toContain("satellite watch: cannot reach the agent at http://127.0.0.1:7999");
  });

  test("reconnects by itself after the agent restarts, with bounded backoff, and resumes with Last-Event-ID", async () => {
    const h = harness();
    const exit = h.run();
    await h.connected();
    for (let i = 0; i < 3; i++) h.agent().stream.publish({ ...probeFailed, probe: `p${i}` });
    await until(() => h.out.length === 3, "three lines");
    await h.stopAgent();
    await until(() => h.err.length === 1, "the loss noticed");
    expect(h.err[0]).toBe("satellite watch: the agent closed the connection; reconnecting in 500ms");
    // Down for a while: attempts 500 ms, 1 s, 2 s, ... apart, never more than 30 s.
    const attemptsAt: number[] = [];
    for (let elapsed = 0; elapsed < 120_000; elapsed += 250) {
      const before = h.requests.length;
      await h.clock.advance(250);
      await settle();
      if (h.requests.length > before) attemptsAt.push(h.clock.monotonicMs());
    }
    const gaps = attemptsAt.slice(1).map((t, i) => t - (attemptsAt[i] as number));
    expect(gaps.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16000, 30000]);
    expect(Math.max(...gaps)).toBe(30000);
    // It comes back with new sequence numbers; what it published while down is shown after a notice.
    h.restart();
    h.agent().stream.publish({ ...probeFailed, probe: "after-restart" });
    await h.clock.advance(30_000);
    await until(() => h.out.length === 4, "the event after the restart");
    expect(h.out[3]).toContain("probe=after-restart");
    expect(h.requests.at(-1)?.lastEventId).toBe("3");
    expect(h.err).toContain("satellite watch: connected to the agent again; resuming after event 3");
    expect(h.err).toContain("satellite watch: the agent restarted: events from before the restart and while it was down are not shown");
    h.agent().stream.publish({ ...probeFailed, probe: "live-again" });
    await until(() => h.out.length === 5, "a live event after the reconnect");
    h.interrupt();
    expect(await exit).toBe(0);
  });

  test("a connection that goes silent for three heartbeats is dropped and made again", async () => {
    const h = harness();
    // The first answer starts a stream and then says nothing (a stuck proxy); aborting ends it, as fetch does.
    h.answerNextWith((signal) => {
      const body = new ReadableStream<Uint8Array>({ start: (c) => signal.addEventListener("abort", () => c.error(new Error("aborted"))) });
      return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
    });
    const exit = h.run();
    await until(() => h.requests.length === 1, "the first request");
    await h.clock.advance(44_999);
    await settle();
    expect(h.err).toEqual([]);
    await h.clock.advance(1);
    await until(() => h.err.length === 1, "the silence noticed");
    expect(h.err[0]).toBe("satellite watch: nothing from the agent for 45s; reconnecting in 500ms");
    await h.clock.advance(500);
    await until(() => h.requests.length === 2, "the reconnect");
    h.agent().stream.publish(probeFailed);
    await until(() => h.out.length === 1, "an event on the new connection");
    // The agent's own heartbeats keep a quiet connection alive.
    await h.clock.advance(120_000);
    await settle();
    expect(h.requests.length).toBe(2);
    h.interrupt();
    expect(await exit).toBe(0);
  });
});

describe("event lines", () => {
  test("values with spaces, quotes or control characters are JSON-quoted; unknown types show every field", () => {
    expect(formatEventLine({ type: "UserEvent", ts: 0, seq: 1, kind: "user", name: "deploy", payload: "v1.2\u001b[31m", payloadEncoding: "utf8", ltime: 7, coalesce: false })).toBe(
      '1970-01-01T00:00:00.000Z UserEvent name=deploy payload="v1.2\\u001b[31m" ltime=7',
    );
    expect(formatEventLine({ type: "FutureThing", ts: 0, seq: 2, kind: "agent", what: "x y", count: 3, nested: { a: 1 } })).toBe(
      '1970-01-01T00:00:00.000Z FutureThing what="x y" count=3 nested="{\\"a\\":1}"',
    );
    expect(formatEventLine({ type: "ClusterDegraded", ts: 0, seq: 3, kind: "cluster", oldState: "running", newState: "degraded" })).toBe("1970-01-01T00:00:00.000Z ClusterDegraded state=degraded");
  });
});
