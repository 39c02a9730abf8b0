import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/platform/manual-clock.ts";
import { createMemoryLogger, silentLogger } from "../../../src/platform/logger.ts";
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
  const fetchFn: FetchFn = (url, init) => {
    if (url.includes("/query")) return Promise.resolve(Response.json({ results: [{ statement_id: 0 }] }));
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
  // The database is created first; let that answer arrive, then the write hangs.
  for (let turn = 0; turn < 100 && bodies.length === 0; turn++) await new Promise((resolve) => setImmediate(resolve));
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

/** Answers like InfluxDB 1.x: CREATE DATABASE via /query, points via /write; records every request. */
function fakeInflux(answer: { create: () => Response; write: () => Response }) {
  const requests: string[] = [];
  const fetchFn: FetchFn = async (url) => {
    const u = new URL(url);
    requests.push(u.pathname === "/query" ? `query ${u.searchParams.get("q")}` : `write ${u.searchParams.get("db")}`);
    return u.pathname === "/query" ? answer.create() : answer.write();
  };
  return { requests, fetchFn };
}

const sinkWith = (fetchFn: FetchFn, logger = createMemoryLogger()) =>
  createInfluxSink({ url: "http://influx.invalid:8086", database: 'sat"db', queueDir: mkdtempSync(join(root, "q-")), clock: new ManualClock(), logger, fetch: fetchFn });

test("the database is created (quoted) before the first write, once", async () => {
  const influx = fakeInflux({ create: () => Response.json({ results: [{ statement_id: 0 }] }), write: () => new Response(null, { status: 204 }) });
  const sink = sinkWith(influx.fetchFn);
  sink.writePoints(points(2));
  await sink.flush();
  sink.writePoints(points(2));
  await sink.flush();
  expect(influx.requests).toEqual(['query CREATE DATABASE "sat\\"db"', 'write sat"db', 'write sat"db']);
  expect(sink.health().ok).toBe(true);
  await sink.close();
});

test("credentials that may not create databases: logged once, points still written", async () => {
  const logger = createMemoryLogger();
  const notAdmin = () => Response.json({ results: [{ statement_id: 0, error: "error authorizing query: writer not authorized to execute statement 'CREATE DATABASE', requires admin privilege" }] });
  const influx = fakeInflux({ create: notAdmin, write: () => new Response(null, { status: 204 }) });
  const sink = sinkWith(influx.fetchFn, logger);
  sink.writePoints(points(2));
  await sink.flush();
  expect(influx.requests).toEqual(['query CREATE DATABASE "sat\\"db"', 'write sat"db']);
  expect(sink.health()).toEqual({ ok: true, queuedLines: 0, queuedBytes: 0, droppedLines: 0 });
  const warnings = logger.lines.filter((l) => l.includes("cannot create the influxdb database"));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain("requires admin privilege");
  await sink.close();
});

test("a database that stays missing keeps points queued and says how to create it", async () => {
  const influx = fakeInflux({ create: () => new Response("forbidden", { status: 403 }), write: () => Response.json({ error: 'database not found: "sat\\"db"' }, { status: 404 }) });
  const sink = sinkWith(influx.fetchFn);
  sink.writePoints(points(3));
  await sink.flush();
  const health = sink.health();
  expect(health.ok).toBe(false);
  expect(health.error).toContain("CREATE DATABASE");
  expect(health.queuedLines).toBe(3);
  // Create, write (404), create again, write again (404): bounded, then the retry timer takes over.
  expect(influx.requests.filter((r) => r.startsWith("query"))).toHaveLength(2);
  await sink.close();
});

test("InfluxDB unreachable while creating the database: points wait on disk, nothing is lost", async () => {
  let up = false;
  const fetchFn: FetchFn = async (url) => {
    if (!up) throw new Error("connection refused");
    return url.includes("/query") ? Response.json({ results: [{}] }) : new Response(null, { status: 204 });
  };
  const sink = sinkWith(fetchFn);
  sink.writePoints(points(4));
  await sink.flush();
  expect(sink.health().queuedLines).toBe(4);
  up = true;
  await sink.flush();
  expect(sink.health()).toEqual({ ok: true, queuedLines: 0, queuedBytes: 0, droppedLines: 0 });
  await sink.close();
});
