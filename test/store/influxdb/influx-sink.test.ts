import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/platform/manual-clock.ts";
import { createMemoryLogger } from "../../../src/platform/logger.ts";
import { createInfluxSink, type InfluxSinkOptions } from "../../../src/store/influxdb/influx-sink.ts";
import { influxQuery, type InfluxConfig } from "../../../src/store/influxdb/influx-client.ts";
import type { Point } from "../../../src/store/influxdb/line-protocol.ts";
import { createInfluxd, freePort, influxdAvailable, type Influxd } from "./influxd.ts";

const T0 = Date.UTC(2026, 0, 1);
const root = mkdtempSync(join(tmpdir(), "satellite-influx-sink-"));
let influxd: Influxd | undefined;
let dbCounter = 0;

if (!influxdAvailable) console.warn("SKIP influx sink tests: /usr/bin/influxd is not installed (scripts/install-test-deps.sh)");

beforeAll(async () => {
  if (!influxdAvailable) return;
  influxd = createInfluxd();
  await influxd.start();
}, 30_000);

afterAll(async () => {
  await influxd?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

async function newDatabase(): Promise<InfluxConfig> {
  const config = { url: (influxd as Influxd).url, database: `sat${dbCounter++}` };
  await influxQuery(fetch, config, `CREATE DATABASE "${config.database}"`);
  return config;
}

function sinkOptions(config: InfluxConfig, over: Partial<InfluxSinkOptions> = {}): InfluxSinkOptions {
  return { ...config, queueDir: mkdtempSync(join(root, "q-")), clock: new ManualClock(T0), logger: createMemoryLogger(), ...over };
}

function probes(from: number, count: number): Point[] {
  return Array.from({ length: count }, (_, i) => ({
    measurement: "probe",
    tags: { checker: "docker", node: "n1", status: "running" },
    fields: { error: "", seq: from + i },
    tsMs: T0 + from + i,
  }));
}

async function countProbes(config: InfluxConfig): Promise<number> {
  const r = (await influxQuery(fetch, config, "SELECT COUNT(seq) FROM probe")) as {
    results: { series?: { values: [number, number][] }[] }[];
  };
  return r.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

describe.skipIf(!influxdAvailable)("InfluxDB sink against a real influxd", () => {
  test("writes the original measurements with escaping intact and reads them back", async () => {
    const config = await newDatabase();
    const sink = createInfluxSink(sinkOptions(config));
    sink.writeNodeStatus(
      [
        {
          name: "node one,a=b",
          status: "degraded",
          member_status: { addr: "10.0.0.1:7946", status: "alive", tags: { role: "master", publicip: "10.0.0.1" } },
          probes: [{ checker: "disk space", status: "failed", error: 'usage 95% on "/var"\nsecond line, with \\ backslash', code: "high", detail: "/var" }],
        },
      ],
      T0,
    );
    await sink.flush();
    expect(sink.health().ok).toBe(true);
    const nodes = (await influxQuery(fetch, config, "SELECT * FROM node")) as { results: { series: { columns: string[]; values: unknown[][] }[] }[] };
    const nodeSeries = nodes.results[0]?.series[0];
    const nodeRow = Object.fromEntries(nodeSeries?.columns.map((c, i) => [c, nodeSeries.values[0]?.[i]]) ?? []);
    expect(nodeRow).toEqual({ time: T0, name: "node one,a=b", node_name: "node one,a=b", role: "master", publicip: "10.0.0.1", addr: "10.0.0.1:7946", member_status: "alive", status: "degraded" });
    const probesResult = (await influxQuery(fetch, config, "SELECT * FROM probe")) as { results: { series: { columns: string[]; values: unknown[][] }[] }[] };
    const probeSeries = probesResult.results[0]?.series[0];
    const probeRow = Object.fromEntries(probeSeries?.columns.map((c, i) => [c, probeSeries.values[0]?.[i]]) ?? []);
    expect(probeRow).toEqual({
      time: T0,
      checker: "disk space",
      node: "node one,a=b",
      node_name: "node one,a=b",
      status: "failed",
      error: 'usage 95% on "/var"\nsecond line, with \\ backslash',
      code: "high",
      detail: "/var",
    });
    await sink.close();
  });

  test("batches by size: a full buffer goes out without waiting for the timer", async () => {
    const config = await newDatabase();
    const sink = createInfluxSink(sinkOptions(config, { batchLinesMax: 100 }));
    sink.writePoints(probes(0, 250));
    await sink.flush();
    expect(await countProbes(config)).toBe(250);
    await sink.close();
  });

  test("batches by time: the flush timer sends what is buffered", async () => {
    const config = await newDatabase();
    const clock = new ManualClock(T0);
    const sink = createInfluxSink(sinkOptions(config, { clock, flushIntervalMs: 1000 }));
    sink.writePoints(probes(0, 5));
    expect(sink.health().queuedLines).toBe(5);
    await clock.advance(1000);
    await waitUntil(async () => (await countProbes(config)) === 5);
    await sink.close();
  });

  test("influxd stopped mid-run: points queue on disk and all arrive after it restarts", async () => {
    const config = await newDatabase();
    const clock = new ManualClock(T0);
    const drops: number[] = [];
    const sink = createInfluxSink(sinkOptions(config, { clock, retryIntervalMs: 5000, onDrop: (n) => drops.push(n) }));
    sink.writePoints(probes(0, 100));
    await sink.flush();
    expect(await countProbes(config)).toBe(100);

    await influxd?.stop();
    for (let round = 1; round <= 5; round++) {
      sink.writePoints(probes(round * 100, 100));
      await sink.flush();
    }
    const down = sink.health();
    expect(down.ok).toBe(false);
    expect(down.error).toContain(config.url);
    expect(down.error).toContain("influxdb-queue.lp");
    expect(down.queuedLines).toBe(500);

    await influxd?.start();
    sink.writePoints(probes(600, 100));
    // The retry timer drains the queue on its own once influxd answers again.
    await clock.advance(5000);
    await sink.flush();
    await waitUntil(async () => (await countProbes(config)) === 700);
    expect(sink.health()).toEqual({ ok: true, queuedLines: 0, queuedBytes: 0, droppedLines: 0 });
    expect(drops).toEqual([]);
    await sink.close();
  }, 60_000);

  test("beyond the queue bound lines are dropped and counted; the rest survive a restart of the agent", async () => {
    const config = await newDatabase();
    const queueDir = mkdtempSync(join(root, "bound-"));
    const drops: number[] = [];
    // First agent: InfluxDB unreachable (nothing listens there), a small queue.
    const unreachable = createInfluxSink(
      sinkOptions({ ...config, url: `http://127.0.0.1:${freePort()}` }, { queueDir, queueBytesMax: 20_000, onDrop: (n) => drops.push(n) }),
    );
    unreachable.writePoints(probes(0, 1000));
    await unreachable.flush();
    const h = unreachable.health();
    expect(h.ok).toBe(false);
    expect(h.droppedLines).toBeGreaterThan(0);
    expect(h.queuedLines + h.droppedLines).toBe(1000);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(h.droppedLines);
    await unreachable.close();

    // Next start, pointed at a working InfluxDB: the queue from disk is sent on its own.
    const sink = createInfluxSink(sinkOptions(config, { queueDir }));
    await sink.flush();
    await waitUntil(async () => (await countProbes(config)) === h.queuedLines);
    expect(sink.health().queuedLines).toBe(0);
    await sink.close();
  });

  test("a missing database is created before the first write, and again when it is dropped while running", async () => {
    const config = { url: (influxd as Influxd).url, database: `never created ${dbCounter++} "quoted"` };
    const sink = createInfluxSink(sinkOptions(config));
    sink.writePoints(probes(0, 3));
    await sink.flush();
    expect(sink.health()).toEqual({ ok: true, queuedLines: 0, queuedBytes: 0, droppedLines: 0 });
    expect(await countProbes(config)).toBe(3);
    await influxQuery(fetch, config, `DROP DATABASE "${config.database.replaceAll('"', '\\"')}"`);
    sink.writePoints(probes(3, 2));
    await sink.flush();
    expect(sink.health().ok).toBe(true);
    expect(await countProbes(config)).toBe(2);
    await sink.close();
  });
});

describe.skipIf(!influxdAvailable)("InfluxDB sink: refused points and credentials", () => {
  test("points InfluxDB refuses (400, field type conflict) are dropped and counted, not retried", async () => {
    const config = await newDatabase();
    const drops: [number, string][] = [];
    const sink = createInfluxSink(sinkOptions(config, { onDrop: (n, reason) => drops.push([n, reason]) }));
    sink.writePoints(probes(0, 1));
    await sink.flush();
    // One bad line in a batch of three: a 1.x "partial write" stores the two good ones.
    sink.writePoints([
      ...probes(10, 1),
      { measurement: "probe", tags: { checker: "docker", node: "n1", status: "running" }, fields: { seq: "not a number" }, tsMs: T0 + 5 },
      ...probes(11, 1),
    ]);
    await sink.flush();
    expect(drops).toEqual([[1, "rejected"]]);
    const h = sink.health();
    expect(h.ok).toBe(false);
    expect(h.error).toContain("400");
    expect(h.queuedLines).toBe(0);
    sink.writePoints(probes(1, 1));
    await sink.flush();
    expect(sink.health().ok).toBe(true);
    expect(await countProbes(config)).toBe(4);
    await sink.close();
  });

  test("user and password are sent; refused credentials keep points queued and say what to check", async () => {
    const secured = createInfluxd({ auth: true });
    try {
      await secured.start();
      await influxQuery(fetch, { url: secured.url, database: "" }, "CREATE USER admin WITH PASSWORD 's3cret' WITH ALL PRIVILEGES");
      const config = { url: secured.url, database: "authed", user: "admin", password: "s3cret" };
      await influxQuery(fetch, config, `CREATE DATABASE "authed"`);
      const wrong = createInfluxSink(sinkOptions({ ...config, password: "wrong" }));
      wrong.writePoints(probes(0, 2));
      await wrong.flush();
      expect(wrong.health().ok).toBe(false);
      expect(wrong.health().error).toContain("--influxdb-password");
      expect(wrong.health().queuedLines).toBe(2);
      await wrong.close();
      const right = createInfluxSink(sinkOptions(config));
      right.writePoints(probes(2, 3));
      await right.flush();
      expect(right.health().ok).toBe(true);
      expect(await countProbes(config)).toBe(3);
      await right.close();
    } finally {
      await secured.cleanup();
    }
  }, 30_000);
});

async function waitUntil(cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(20);
  }
}
