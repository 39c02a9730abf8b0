import { describe, expect, test } from "bun:test";
import { CollectorManager } from "../../src/collectors/collector-manager.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { fixture, recordedHost } from "../collectors/_recorded-host.ts";
import { makeApp } from "./app-fixture.ts";

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  const files: Record<string, string> = { "/proc/meminfo": fixture("meminfo"), "/proc/stat": fixture("stat.0") };
  const collectors = new CollectorManager({ host: recordedHost(files), clock, logger: silentLogger });
  return { clock, files, collectors, app: makeApp({ collectors }).app };
}

describe("GET /collectors", () => {
  test("lists every collector without starting any", async () => {
    const { app, clock } = setup();
    const response = await app.request("/collectors");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { collectors: { name: string; active: boolean; samples: number }[] };
    expect(body.collectors.map((c) => c.name)).toEqual(["cpu", "memory", "load", "diskusage", "diskio", "interfaces", "openports", "timezone", "containers"]);
    expect(body.collectors.every((c) => !c.active && c.samples === 0)).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  test("an agent without collectors lists none", async () => {
    const response = await makeApp().app.request("/collectors");
    expect(await response.json()).toEqual({ collectors: [] });
  });
});

describe("GET /collectors/NAME", () => {
  test("starts the collector, answers its values, and keeps it running for its lease", async () => {
    const { app, clock, files } = setup();
    const response = await app.request("/collectors/memory");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { collector: { name: string; active: boolean; samples: number; lastCollectedAtMs: number; values: Record<string, number> } };
    expect(body.collector).toMatchObject({ name: "memory", active: true, samples: 1, lastCollectedAtMs: Date.UTC(2026, 10, 22, 12, 0, 0), values: { usedPercent: 16.3, swapUsedPercent: 25 } });
    files["/proc/meminfo"] = fixture("meminfo").replace("MemAvailable:   20660556 kB", "MemAvailable:   12341774 kB");
    await clock.advance(5 * 60_000);
    const later = (await (await app.request("/collectors/memory")).json()) as typeof body;
    expect(later.collector.values.usedPercent).toBe(50);
    expect(later.collector.samples).toBeGreaterThan(10);
  });

  test("a rate collector has its rates a second after it started", async () => {
    const { app, clock, files } = setup();
    const first = (await (await app.request("/collectors/cpu")).json()) as { collector: { values: Record<string, unknown> } };
    expect(first.collector.values).toEqual({ count: 2 });
    files["/proc/stat"] = fixture("stat.1");
    await clock.advance(1000);
    const second = (await (await app.request("/collectors/cpu")).json()) as typeof first;
    expect(second.collector.values.cpu_all).toMatchObject({ "%idle": 70 });
  });

  test("an unknown name is 404 with the known ones, and starts nothing", async () => {
    const { app, clock } = setup();
    const response = await app.request("/collectors/gpu");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no collector named "gpu"', hint: "collectors: cpu, memory, load, diskusage, diskio, interfaces, openports, timezone, containers" });
    expect(clock.pendingTimers()).toBe(0);
  });

  test("a failing collector answers 200 with its error", async () => {
    const { app } = setup();
    const body = (await (await app.request("/collectors/diskio")).json()) as { collector: { error?: string; values: object } };
    expect(body.collector).toMatchObject({ error: "/proc/diskstats is missing or not a regular file", values: {} });
  });
});
