import { expect, test } from "bun:test";
import { logEvents } from "../../src/agent/event-log.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

test("every remote exec request is logged: a run at info, a refusal or failure at warn, with the requester, argv and reason", () => {
  const logger = createMemoryLogger();
  const events = createEventStream({ clock: new ManualClock(), logger });
  logEvents(events, "n1", logger);
  const id = "ab".repeat(16);
  events.publish({ type: "ExecRan", node: "n1", requestId: id, requester: "n2 api 127.0.0.1 loopback", argv: ["uptime"], outcome: "ran", exitCode: 0, allowedBy: "uptime", durationMs: 4.2 });
  events.publish({ type: "ExecRan", node: "n1", requestId: id, requester: "unverified: x", argv: ["rm", "-rf", "/"], outcome: "refused", reason: "not in this node's allowlist (exec.allow)", durationMs: 0 });
  const [ran, refused] = logger.lines.filter((l) => l.includes("remote exec"));
  expect(ran).toContain(" INFO remote exec ran ");
  expect(ran).toContain('requester="n2 api 127.0.0.1 loopback"');
  expect(ran).toContain("allowedBy=uptime");
  expect(refused).toContain(" WARN remote exec refused ");
  expect(refused).toContain('argv="rm -rf /"');
  expect(refused).toContain(`id=${id}`);
  expect(refused).toContain("not in this node's allowlist");
});
