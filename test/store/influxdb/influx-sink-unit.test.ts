import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/platform/manual-clock.ts";
import { silentLogger } from "../../../src/platform/logger.ts";
import { createInfluxSink } from "../../../src/store/influxdb/influx-sink.ts";
import type { FetchFn } from "../../../src/store/influxdb/influx-client.ts";

const root = mkdtempSync(join(tmpdir(), "satellite-influx-unit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const points = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ measurement: "probe", tags: { checker: "c" }, fields: { seq: i }, tsMs: i }));

test("while a request hangs, what keeps coming spills to the disk queue instead of piling up in memory", async () => {
  const bodies: string[] = [];
  let release: (() => void) | undefined;
  // The first request hangs until released; later ones are answered at once.
  const fetchFn: FetchFn = (_url, init) => {
    bodies.push(String(init.body));
    if (bodies.length > 1) return Promise.resolve(new Response(null, { status: 204 }));
    return new Promise((resolve) => (release = () => resolve(new Response(null, { status: 204 }))));
  };
  const sink = createInfluxSink({
    url: "http://influx.invalid:8086",
    database: "d",
    queueDir: mkdtempSync(join(root, "q-")),
    clock: new ManualClock(),
    logger: silentLogger,
    fetch: fetchFn,
    batchLinesMax: 10,
  });
  sink.writePoints(points(10));
  await Promise.resolve();
  expect(bodies.length).toBe(1);
  for (let i = 0; i < 11; i++) sink.writePoints(points(10));
  const spilled = sink.health();
  expect(spilled.queuedBytes).toBeGreaterThan(0);
  expect(spilled.queuedLines).toBeGreaterThanOrEqual(100);
  // Once InfluxDB answers, everything goes out: queue first, in order.
  release?.();
  await sink.flush();
  const sent = bodies.join("").split("\n").filter((l) => l !== "").length;
  expect(sent).toBe(120);
  expect(sink.health()).toEqual({ ok: true, queuedLines: 0, queuedBytes: 0, droppedLines: 0 });
  await sink.close();
});
