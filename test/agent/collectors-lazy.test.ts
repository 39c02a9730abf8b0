import { describe, expect, test } from "bun:test";
import { planChecks } from "../../src/agent/check-setup.ts";
import { checkerKinds, findCheckerKind } from "../../src/checkers/all-kinds.ts";
import { CollectorManager } from "../../src/collectors/collector-manager.ts";
import { loadAgentConfig } from "../../src/config/load.ts";
import { createFakeHostProbe } from "../../src/platform/host-probe.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { fixture, recordedHost } from "../collectors/_recorded-host.ts";

/** The checks an agent with `file` as its config file plans, over collectors of a recorded host. */
async function plan(file: string, role = "master") {
  const clock = new ManualClock();
  const manager = new CollectorManager({ host: recordedHost({ "/proc/meminfo": fixture("meminfo"), "/proc/loadavg": fixture("loadavg"), "/proc/stat": fixture("stat.0") }), clock, logger: silentLogger });
  const config = loadAgentConfig({
    flags: { config: "/etc/satellite.yaml", tags: `role=${role}` },
    env: {},
    readFile: () => file,
    hostname: () => "host-a",
    cwd: "/srv",
    findKind: (name) => findCheckerKind(name),
    kindNames: checkerKinds.map((k) => k.kind),
  });
  const checks = await planChecks(config, { find: (name) => findCheckerKind(name), names: checkerKinds.map((k) => k.kind) }, createFakeHostProbe([]), silentLogger, undefined, undefined, manager);
  const runAll = () => Promise.all(checks.scheduled.map((c) => c.run({ signal: new AbortController().signal, clock, logger: silentLogger })));
  return { manager, clock, runAll };
}

describe("collectors in an agent", () => {
  test("an agent without evaluated checks starts no collector", async () => {
    const { manager, clock, runAll } = await plan("defaultChecks: false\nchecks:\n  - { name: files, kind: file-nr }\n");
    await runAll();
    expect(manager.list().filter((c) => c.active)).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });

  test("an evaluated check starts only the collectors it reads, with the node's role thresholds", async () => {
    const file = [
      "defaultChecks: false",
      "thresholds: { memory_max: { master: 10, node: 99 } }",
      "checks:",
      '  - { name: memory, kind: evaluated, thresholds: { memory_max: 90 }, criticalIf: "collector.memory.usedPercent > thresholds.memory_max", criticalOutput: "memory at {{collector.memory.usedPercent}}% (over {{thresholds.memory_max}}%)" }',
      "",
    ].join("\n");
    const master = await plan(file, "master");
    const [[outcome]] = (await master.runAll()) as [[{ status: string; error?: string }]];
    expect(outcome).toMatchObject({ status: "failed", error: "memory at 16.3% (over 10%)" });
    expect(master.manager.list().filter((c) => c.active).map((c) => c.name)).toEqual(["memory"]);
    master.manager.stop();
    const node = await plan(file, "node");
    const [[onNode]] = (await node.runAll()) as [[{ status: string }]];
    expect(onNode.status).toBe("running");
    node.manager.stop();
  });
});
