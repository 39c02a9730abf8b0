import { describe, expect, test } from "bun:test";
import type { CollectorsApiSource } from "../../src/api/collectors-routes.ts";
import type { CollectorSnapshot } from "../../src/collectors/collector-manager.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

const snapshots: CollectorSnapshot[] = [
  { name: "cpu", description: "time shares", intervalMs: 10_000, active: true, samples: 5, lastCollectedAtMs: NOW - 3_000, valueCount: 3, values: { count: 1, cpu_all: { "%idle": 97.5, "%user": 2.5 } } },
  { name: "diskusage", description: "per mount", intervalMs: 60_000, active: true, samples: 2, lastCollectedAtMs: NOW - 60_000, valueCount: 2, values: { "/": { usedPercent: 41 }, "/var/lib data": { usedPercent: 7 } } },
  { name: "diskio", description: "per device", intervalMs: 10_000, active: false, samples: 0, valueCount: 0, values: {} },
  { name: "memory", description: "memory", intervalMs: 10_000, active: true, samples: 1, lastCollectedAtMs: NOW, valueCount: 0, values: {}, error: "/proc/meminfo is missing or not a regular file" },
  { name: "interfaces", description: "per interface", intervalMs: 10_000, active: true, samples: 1, lastCollectedAtMs: NOW, valueCount: 0, values: {} },
];

function source(): CollectorsApiSource & { used: string[] } {
  const used: string[] = [];
  return {
    used,
    async use(names) {
      used.push(...names);
    },
    snapshot: (name) => snapshots.find((s) => s.name === name),
    list: () => snapshots.map(({ values: _values, ...summary }) => summary),
  };
}

describe("satellite collectors", () => {
  test("list: each collector, whether it runs, its interval, last collection and value count", async () => {
    const c = cliFixture({ app: makeApp({ collectors: source() }).app, clock: new ManualClock(NOW) });
    expect(await c.run("collectors", "list")).toBe(0);
    const lines = (c.out.at(-1) ?? "").split("\n");
    expect(lines[0]).toMatch(/^NAME\s+ACTIVE\s+INTERVAL\s+LAST COLLECTED\s+VALUES\s+ERROR$/);
    expect(lines[1]).toMatch(/^cpu\s+yes\s+10s\s+3s ago\s+3\s*$/);
    expect(lines[3]).toMatch(/^diskio\s+no\s+10s\s+never\s+0\s*$/);
    expect(lines[4]).toMatch(/^memory\s+yes\s+10s\s+just now\s+0\s+\/proc\/meminfo is missing or not a regular file$/);
    expect(c.urls.at(-1)).toEndWith("/collectors");
  });

  test("show: flattened `name value` lines, bracketed keys where a dot would not do", async () => {
    const s = source();
    const c = cliFixture({ app: makeApp({ collectors: s }).app });
    expect(await c.run("collectors", "show", "cpu")).toBe(0);
    expect(c.out.at(-1)).toBe("count 1\ncpu_all.%idle 97.5\ncpu_all.%user 2.5");
    expect(await c.run("collectors", "show", "diskusage")).toBe(0);
    expect(c.out.at(-1)).toBe('["/"].usedPercent 41\n["/var/lib data"].usedPercent 7');
    expect(c.urls.at(-1)).toEndWith("/collectors/diskusage");
    expect(s.used).toEqual(["cpu", "diskusage"]);
  });

  test("show -o json prints the answer; a rate collector without values yet says so; a failed one exits 1", async () => {
    const c = cliFixture({ app: makeApp({ collectors: source() }).app });
    expect(await c.run("collectors", "show", "cpu", "-o", "json")).toBe(0);
    expect(JSON.parse(c.out.at(-1) ?? "").collector.values.cpu_all["%idle"]).toBe(97.5);
    expect(await c.run("collectors", "show", "interfaces")).toBe(0);
    expect(c.out.at(-1)).toBe("no values yet: interfaces reports rates from its second sample; run again in a second");
    expect(await c.run("collectors", "show", "memory")).toBe(1);
    expect(c.err.join("\n")).toContain("collector memory failed: /proc/meminfo is missing or not a regular file");
  });

  test("show of an unknown collector exits 2 with the known ones", async () => {
    const c = cliFixture({ app: makeApp({ collectors: source() }).app });
    expect(await c.run("collectors", "show", "gpu")).toBe(2);
    expect(c.err.join("\n")).toContain('no collector named "gpu"');
  });
});
