import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/platform/manual-clock.ts";
import type { LogFields, Logger } from "../../../src/platform/logger.ts";
import { createInfluxSink } from "../../../src/store/influxdb/influx-sink.ts";

const root = mkdtempSync(join(tmpdir(), "satellite-influx-redact-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Keeps what was logged as given (messages and fields), before any line formatting could hide a leak. */
function recordingLogger(): Logger & { logged: string[] } {
  const logged: string[] = [];
  const log = (message: string, fields?: LogFields) => void logged.push(`${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return Object.assign(logger, { logged });
}

test("user:pass in --influxdb-url never shows in health (/readyz) or what the sink logs", async () => {
  const logger = recordingLogger();
  const sink = createInfluxSink({
    url: "http://admin:s3cret@127.0.0.1:1",
    database: "d",
    queueDir: mkdtempSync(join(root, "q-")),
    clock: new ManualClock(),
    logger,
    // Refused connections and refused credentials: both put the URL into messages.
    fetch: async (url) => {
      if (url.includes("write")) throw new Error(`Unable to connect to ${url}`);
      return new Response("", { status: 401 });
    },
    queueBytesMax: 10,
  });
  sink.writePoints([{ measurement: "probe", tags: { checker: "c" }, fields: { v: "x".repeat(40) }, tsMs: 1 }]);
  await sink.flush();
  const health = sink.health();
  expect(health.ok).toBe(false);
  expect(health.error).toContain("http://admin:***@127.0.0.1:1");
  expect(health.error).not.toContain("s3cret");
  expect(logger.logged.length).toBeGreaterThan(0);
  for (const line of logger.logged) expect(line).not.toContain("s3cret");
  await sink.close();
});
