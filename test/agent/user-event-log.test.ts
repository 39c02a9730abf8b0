import { expect, test } from "bun:test";
import { logEvents } from "../../src/agent/event-log.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

test("operators' user events are logged at info; Satellite's own (satellite-*) at debug", () => {
  const logger = createMemoryLogger();
  const events = createEventStream({ clock: new ManualClock(), logger });
  logEvents(events, "n1", logger);
  events.publish({ type: "UserEvent", name: "deploy", ltime: 3, payload: "v1", payloadEncoding: "utf8", coalesce: false });
  events.publish({ type: "UserEvent", name: "satellite-maintenance", ltime: 4, payload: "{}", payloadEncoding: "utf8", coalesce: false });
  const lines = logger.lines.filter((l) => l.includes("user event"));
  expect(lines.find((l) => l.includes("name=deploy"))).toContain(" INFO user event ");
  expect(lines.find((l) => l.includes("name=satellite-maintenance"))).toContain(" DEBUG user event ");
});
