import { describe, expect, test } from "bun:test";
import { createLiveEvents } from "../../src/api/live-events.ts";
import type { AgentEventInput } from "../../src/events/agent-event.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** An agent with a live event stream (GET /events) or without one (503), on a manual clock. */
function agent(withEvents: boolean) {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  const stream = createEventStream({ clock, logger: silentLogger });
  const live = createLiveEvents({ stream, clock, logger: silentLogger, clientsMax: 10 });
  const fixture = makeApp(withEvents ? { liveEvents: live } : {});
  return { clock, stream, live, fixture };
}

const probeFailed: AgentEventInput = { type: "ProbeFailed", node: "n1", probe: "docker", oldState: "running", newState: "failed", severity: "critical", error: "connection refused by /var/run/docker.sock" };
const statusCalls = (urls: string[]) => urls.filter((u) => u.endsWith("/status")).length;

describe("satellite status --watch", () => {
  test("redraws after the agent reports a change, many changes coalesced into one redraw a second, until SIGINT", async () => {
    const a = agent(true);
    const c = cliFixture({ app: a.fixture.app, clock: a.clock, isTerminal: true, env: { NO_COLOR: "1" } });
    const exit = c.run("status", "--watch");
    await settle();
    expect(c.out.length).toBe(1);
    expect(c.out[0]).toStartWith("\u001b[H\u001b[2JCluster running");
    a.fixture.state.cluster = { ...a.fixture.state.cluster, status: "degraded", summary: "n1 is degraded" };
    for (let i = 0; i < 5; i++) a.stream.publish(probeFailed);
    await settle();
    await a.clock.advance(999);
    expect(c.out.length).toBe(1);
    await a.clock.advance(1);
    await settle();
    expect(c.out.length).toBe(2);
    expect(c.out[1]).toStartWith("\u001b[H\u001b[2JCluster degraded: n1 is degraded");
    await a.clock.advance(3000);
    expect(c.out.length).toBe(2);
    c.interrupt();
    expect(await exit).toBe(0);
    await settle();
    expect(a.live.stats().clients).toBe(0);
    expect(c.err).toEqual([]);
  });

  test("without the agent's event stream it says so once and redraws every --interval; piped output has no screen clearing", async () => {
    const a = agent(false);
    const c = cliFixture({ app: a.fixture.app, clock: a.clock });
    const exit = c.run("status", "--watch", "--interval", "2s");
    await settle();
    expect(statusCalls(c.urls)).toBe(1);
    expect(JSON.parse(c.out[0] ?? "").status).toBe("running");
    expect(c.err.length).toBe(1);
    expect(c.err[0]).toContain("satellite status: cannot follow the agent's events");
    expect(c.err[0]).toContain("redrawing every 2s");
    await a.clock.advance(2000);
    await settle();
    await a.clock.advance(2000);
    await settle();
    expect(statusCalls(c.urls)).toBe(3);
    expect(c.out.every((line) => !line.includes("\u001b"))).toBe(true);
    c.interrupt();
    expect(await exit).toBe(0);
  });

  test("an agent that goes away after the first draw is shown and waited for; none at start exits 2", async () => {
    const a = agent(false);
    let up = true;
    const fixture = { request: (url: string, init?: RequestInit, env?: unknown) => (up ? a.fixture.app.request(url, init, env as never) : Promise.reject(new Error("connection refused"))) };
    const c = cliFixture({ app: fixture as never, clock: a.clock });
    const exit = c.run("status", "--watch", "--interval", "1s");
    await settle();
    up = false;
    await a.clock.advance(1000);
    await settle();
    expect(c.err.at(-1)).toContain("cannot reach the agent at http://127.0.0.1:7575");
    expect(c.err.at(-1)).toContain("trying again");
    up = true;
    await a.clock.advance(1000);
    await settle();
    expect(c.out.length).toBe(2);
    c.interrupt();
    expect(await exit).toBe(0);

    const none = cliFixture({ clock: a.clock });
    expect(await none.run("status", "--watch")).toBe(2);
  });

  test("--interval is bounded and goes with --watch", async () => {
    const c = cliFixture({ app: makeApp().app });
    expect(await c.run("status", "--watch", "--interval", "100ms")).toBe(2);
    expect(await c.run("status", "--interval", "5s")).toBe(2);
    expect(c.err).toEqual(['satellite status: --interval "100ms" must be a duration from 1s to 1h, e.g. 5s', "satellite status: --interval goes with --watch"]);
  });
});
