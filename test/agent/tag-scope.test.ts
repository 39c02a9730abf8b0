import { describe, expect, test } from "bun:test";
import { decideApplyOn, keepInScope } from "../../src/agent/tag-scope.ts";
import { createHostFunctions } from "../../src/checkers/_host-functions.ts";
import { createRecordedHostFacts } from "../../src/platform/host-facts.ts";

const host = createHostFunctions(createRecordedHostFacts({ "/etc/os-release": "ID=debian\n" }), () => ({ role: "master", zone: "eu-1", redis: "yes" }));

describe("applyOn decided on a node", () => {
  test.each([
    [undefined, { applies: true }],
    ["redis=yes", { applies: true }],
    ["zone=eu-2", { applies: false, reason: "applyOn zone=eu-2 does not hold on this node" }],
    ['tag("role") == "master" and tag("zone") != "eu-2"', { applies: true }],
    ['osRelease("ID") == "alpine"', { applies: false, reason: 'applyOn osRelease("ID") == "alpine" does not hold on this node' }],
    ['fileExists("etc")', { applies: false, reason: 'applyOn fileExists("etc") could not be evaluated: fileExists() needs an absolute path, not "etc"' }],
  ])("%s -> %o", async (applyOn, verdict) => {
    expect(await decideApplyOn(applyOn, host)).toEqual(verdict as never);
  });

  test("notifiers: only those in scope start, in order; the others are reported with the reason", async () => {
    const skipped: string[] = [];
    const kept = await keepInScope(
      [{ name: "all" }, { name: "eu2", applyOn: "zone=eu-2" }, { name: "masters", applyOn: 'tag("role") == "master"' }],
      host,
      (n, reason) => skipped.push(`${n.name}: ${reason}`),
    );
    expect(kept.map((n) => n.name)).toEqual(["all", "masters"]);
    expect(skipped).toEqual(["eu2: applyOn zone=eu-2 does not hold on this node"]);
  });
});
