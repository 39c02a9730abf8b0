import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const dir = new URL("../../deploy/prometheus/", import.meta.url).pathname;

function promtool(...args: string[]): { code: number; out: string } {
  const run = Bun.spawnSync(["promtool", ...args], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  return { code: run.exitCode ?? -1, out: `${run.stdout.toString()}${run.stderr.toString()}` };
}

describe("deploy/prometheus/satellite-rules.yaml", () => {
  test("promtool accepts the rules and their unit tests pass", () => {
    const checked = promtool("check", "rules", "satellite-rules.yaml");
    expect(checked.out).toContain("SUCCESS");
    expect(checked.code).toBe(0);
    const tested = promtool("test", "rules", "satellite-rules.test.yaml");
    expect(tested.out).toContain("SUCCESS");
    expect(tested.code).toBe(0);
  });

  test("every metric a rule reads is one the agent exports", () => {
    const exported = new Set([...readFileSync(new URL("../../src/metrics/satellite-metrics.ts", import.meta.url), "utf8").matchAll(/name: "(satellite_[a-z_]+)"/g)].map((m) => m[1]));
    const rules = parse(readFileSync(`${dir}/satellite-rules.yaml`, "utf8")) as { groups: { rules: { expr: string }[] }[] };
    const used = rules.groups.flatMap((g) => g.rules.flatMap((r) => [...r.expr.matchAll(/\b(satellite_[a-z_]+)/g)].map((m) => m[1])));
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) expect(exported.has(name)).toBe(true);
  });
});
