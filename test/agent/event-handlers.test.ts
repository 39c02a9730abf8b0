import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEventHandlers, type EventHandlersOptions } from "../../src/agent/event-handlers.ts";
import { handlerEnvironment } from "../../src/agent/handler-environment.ts";
import type { AgentEventInput } from "../../src/events/agent-event.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { bunExec } from "../../src/platform/exec.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

const work = mkdtempSync(join(tmpdir(), "satellite-handlers-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let dirs = 0;

/** Real scripts through the real exec; time (timeouts, the slow warning) from a manual clock. */
function setup(handlers: EventHandlersOptions["handlers"], overrides: Partial<EventHandlersOptions> = {}) {
  const dir = join(work, String(++dirs));
  Bun.spawnSync(["mkdir", "-p", dir]);
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 20, 0, 0));
  const logger = createMemoryLogger();
  const events = createEventStream({ clock, logger });
  const running = startEventHandlers({
    handlers,
    events,
    exec: bunExec,
    clock,
    logger,
    self: { name: "n1", tags: { role: "master", "zone-id": "eu.1" } },
    timeoutMs: 30_000,
    ...overrides,
  });
  return { dir, clock, logger, events, running, file: (name: string) => join(dir, name) };
}

const probeFailed: AgentEventInput = { type: "ProbeFailed", node: "n1", probe: "docker", oldState: "running", newState: "failed", severity: "critical", error: "docker is down" };
const clusterDegraded: AgentEventInput = { type: "ClusterDegraded", oldState: "running", newState: "degraded" };

/** Alive and not a zombie waiting for its parent (or init) to collect it. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Waits for real processes; the manual clock does not move meanwhile. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await Bun.sleep(10);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe("event handlers", () => {
  test("the event arrives as one JSON line on stdin, with serf's variables and nothing of the agent's environment", async () => {
    process.env.SATELLITE_TEST_SECRET = "leak-me-not";
    try {
      const dir = join(work, "env");
      Bun.spawnSync(["mkdir", "-p", dir]);
      const { events, running } = setup([{ types: [], command: `cat >> ${dir}/stdin.jsonl; env > ${dir}/env.txt` }]);
      const published = events.publish(probeFailed);
      await running.idle();
      expect(readFileSync(join(dir, "stdin.jsonl"), "utf8")).toBe(`${JSON.stringify(published)}\n`);
      const env = Object.fromEntries(
        readFileSync(join(dir, "env.txt"), "utf8")
          .trim()
          .split("\n")
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      expect(env).toMatchObject({
        SATELLITE_EVENT: "ProbeFailed",
        SATELLITE_SELF_NAME: "n1",
        SATELLITE_SELF_ROLE: "master",
        SATELLITE_TAG_ROLE: "master",
        SATELLITE_TAG_ZONE_ID: "eu.1",
        PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      });
      // What the shell adds itself (PWD, SHLVL, _) and exec's run tag are all that is there besides.
      const extra = Object.keys(env).filter((k) => !k.startsWith("SATELLITE_") && !["PATH", "PWD", "SHLVL", "_", "OLDPWD"].includes(k));
      expect(extra).toEqual([]);
      expect(readFileSync(join(dir, "env.txt"), "utf8")).not.toContain("leak-me-not");
    } finally {
      delete process.env.SATELLITE_TEST_SECRET;
    }
  });

  test("TYPES selects kinds and type names; each handler runs one event at a time, in sequence order", async () => {
    const dir = join(work, "order");
    Bun.spawnSync(["mkdir", "-p", dir]);
    const { events, running } = setup([
      { types: ["cluster"], command: `echo "$SATELLITE_EVENT" >> ${dir}/cluster.txt` },
      { types: ["probe", "NodeFailed"], command: `echo "start $SATELLITE_EVENT" >> ${dir}/runs.txt; sleep 0.05; echo end >> ${dir}/runs.txt` },
    ]);
    events.publish(probeFailed);
    events.publish(clusterDegraded);
    events.publish({ type: "NodeFailed", node: "n2", newState: "failed" });
    events.publish({ type: "NodeAdded", node: "n3", newState: "alive" });
    await running.idle();
    expect(readFileSync(join(dir, "cluster.txt"), "utf8")).toBe("ClusterDegraded\n");
    expect(readFileSync(join(dir, "runs.txt"), "utf8")).toBe("start ProbeFailed\nend\nstart NodeFailed\nend\n");
    expect(running.stats().map((s) => [s.handled, s.failed, s.dropped])).toEqual([
      [1, 0, 0],
      [2, 0, 0],
    ]);
  });

  test("a handler that hangs is warned about after a second and killed with its process group at the timeout; the next event runs", async () => {
    const file = (name: string) => join(work, `hang-${name}`);
    // The first run hangs (with a child in its group); the second finds the marker and returns.
    const command = `if [ -e ${file("pid")} ]; then echo "$SATELLITE_EVENT" > ${file("next")}; exit 0; fi; echo $$ > ${file("pid")}; sleep 1000 & echo $! > ${file("child")}; wait; echo never > ${file("after")}`;
    const hang = setup([{ types: ["probe"], command }]);
    hang.events.publish(probeFailed);
    hang.events.publish({ ...probeFailed, type: "ProbeSucceeded", newState: "running", oldState: "failed" });
    await until(() => existsSync(file("child")) && readFileSync(file("child"), "utf8").endsWith("\n"), "the handler to start");
    const pids = [file("pid"), file("child")].map((f) => Number(readFileSync(f, "utf8")));
    await hang.clock.advance(999);
    expect(hang.logger.lines.filter((l) => l.includes("event handler slow"))).toEqual([]);
    await hang.clock.advance(1);
    expect(hang.logger.lines.filter((l) => l.includes("event handler slow"))).toHaveLength(1);
    expect(hang.logger.lines.find((l) => l.includes("event handler slow"))).toMatch(/ WARN event handler slow .*exceedingMs=1000/);
    await hang.clock.advance(29_000);
    await hang.running.idle();
    for (const pid of pids) expect({ pid, running: isRunning(pid) }).toEqual({ pid, running: false });
    expect(existsSync(file("after"))).toBe(false);
    expect(readFileSync(file("next"), "utf8")).toBe("ProbeSucceeded\n");
    expect(hang.running.stats()[0]).toMatchObject({ handled: 1, failed: 1, timedOut: 1 });
    expect(hang.logger.lines.find((l) => l.includes("event consumer failed"))).toContain("did not finish within 30000ms; its process group was killed");
  });

  test("a handler that floods its output keeps 8 KiB of it, logged with the failure", async () => {
    const { events, running, logger } = setup([{ types: [], command: "head -c 100000 /dev/zero | tr '\\0' x; echo; exit 3" }]);
    events.publish(clusterDegraded);
    await running.idle();
    const line = logger.lines.find((l) => l.includes("event consumer failed")) ?? "";
    expect(line).toContain("event handler exited with 3");
    expect(line).toContain("outputTruncatedAtBytes");
    expect(line).toContain("x".repeat(8192));
    expect(line).not.toContain("x".repeat(8193));
    expect(running.stats()[0]).toMatchObject({ failed: 1 });
  });

  test("a handler's queue is bounded: events beyond it are dropped (oldest first) and counted", async () => {
    const dir = join(work, "queue");
    Bun.spawnSync(["mkdir", "-p", dir]);
    const { events, running } = setup([{ types: [], command: `echo "$SATELLITE_EVENT" >> ${dir}/seen.txt` }], { queueLengthMax: 2 });
    for (let i = 0; i < 10; i++) events.publish({ type: "NodeFailed", node: `n${i}`, newState: "failed" });
    await running.idle();
    expect(running.stats()[0]).toMatchObject({ handled: 2, dropped: 8 });
    expect(readFileSync(join(dir, "seen.txt"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  test("stop kills the runs under way instead of waiting for them", async () => {
    const pidFile = join(work, "stop-pid");
    const stopping = setup([{ types: [], command: `echo $$ > ${pidFile}; exec sleep 1000` }]);
    stopping.events.publish(probeFailed);
    await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"), "the handler to start");
    await stopping.running.stop();
    expect(isRunning(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });
});

describe("handler environment", () => {
  test("tag keys are upper-cased, other characters become _", () => {
    expect(handlerEnvironment({ name: "n1", tags: { role: "node", "k8s.io/zone": "a", Rack: "r1" } }, "UserEvent")).toEqual({
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      SATELLITE_EVENT: "UserEvent",
      SATELLITE_SELF_NAME: "n1",
      SATELLITE_SELF_ROLE: "node",
      SATELLITE_TAG_ROLE: "node",
      SATELLITE_TAG_K8S_IO_ZONE: "a",
      SATELLITE_TAG_RACK: "r1",
    });
  });
});
