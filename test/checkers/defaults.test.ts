import { describe, expect, test } from "bun:test";
import { defaultChecks } from "../../src/checkers/defaults.ts";
import { findCheckerKind } from "../../src/checkers/registry.ts";
import { createFakeHostProbe } from "../../src/platform/host-probe.ts";

describe("defaultChecks", () => {
  test("a bare host gets disk-space and disk-latency of the state dir, each valid for its kind", async () => {
    const result = await defaultChecks({ role: "node", agent: {}, stateDir: "/var/lib/satellite", probeHost: createFakeHostProbe([]) });
    const names = result.checks.map((c) => c.name);
    expect(names).toContain("disk-space");
    expect(names).toContain("disk-latency");
    for (const spec of result.checks) {
      const { name: _n, kind, ...options } = spec;
      const k = findCheckerKind(kind);
      expect(k).toBeDefined();
      expect(k?.options.safeParse(options).success).toBe(true);
    }
  });
});
