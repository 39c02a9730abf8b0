import { describe, expect, test } from "bun:test";
import type { DetectorsSource, DetectorView } from "../../src/api/detectors-route.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

const views: DetectorView[] = [
  { name: "redis", applyIf: 'processRunning("redis-server") or portListening(6379)', tags: { redis: "yes" }, intervalMs: 30_000, applies: true, lastRunAtMs: NOW - 12_000 },
  { name: "gpu", applyIf: 'fileExists("/dev/nvidia0")', tags: { gpu: "nvidia", accel: "yes" }, intervalMs: 300_000, applies: false, lastRunAtMs: NOW - 500 },
  { name: "eu", applyIf: 'env("DC") == "eu"', tags: { dc: "eu" }, intervalMs: 60_000, error: "applyIf could not be evaluated: more than 32 host function calls in one evaluation" },
];
const detectors: DetectorsSource = { list: () => views, tags: () => ({ redis: "yes" }) };

describe("satellite detectors", () => {
  test("lists each detector with whether it applies, its tags and last run, then the detected tags", async () => {
    const c = cliFixture({ app: makeApp({ detectors }).app, clock: new ManualClock(NOW) });
    expect(await c.run("detectors")).toBe(0);
    const text = c.out.at(-1) ?? "";
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^NAME\s+APPLIES\s+TAGS\s+INTERVAL\s+LAST RUN\s+ERROR$/);
    expect(lines[1]).toMatch(/^redis\s+yes\s+redis=yes\s+30s\s+12s ago\s*$/);
    expect(lines[2]).toMatch(/^gpu\s+no\s+gpu=nvidia,accel=yes\s+5m\s+just now\s*$/);
    expect(lines[3]).toMatch(/^eu\s+-\s+dc=eu\s+1m\s+never\s+applyIf could not be evaluated: more than 32 host function calls in one evaluation$/);
    expect(lines.at(-1)).toBe("Detected tags: redis=yes");
    expect(c.urls.at(-1)).toEndWith("/detectors");
  });

  test("-o json prints the GET /detectors answer; no detectors says so", async () => {
    const c = cliFixture({ app: makeApp({ detectors }).app });
    expect(await c.run("detectors", "-o", "json")).toBe(0);
    const body = JSON.parse(c.out.at(-1) ?? "");
    expect(body.tags).toEqual({ redis: "yes" });
    expect(body.detectors.map((d: { name: string }) => d.name)).toEqual(["redis", "gpu", "eu"]);
    const none = cliFixture({ app: makeApp().app });
    expect(await none.run("detectors")).toBe(0);
    expect(none.out.at(-1)).toBe("no detectors configured (docs/detectors.md)");
  });
});
