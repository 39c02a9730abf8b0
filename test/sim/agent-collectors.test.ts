import { afterEach, describe, expect, test } from "bun:test";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import { createRecordedHostFacts } from "../../src/platform/host-facts.ts";
import { fixture } from "../collectors/_recorded-host.ts";
import { AgentSim } from "./agent-sim.ts";

/** Complete agents whose hosts are recorded /proc files. */
class CollectorSim extends AgentSim {
  readonly files: Record<string, string> = { "/proc/meminfo": fixture("meminfo"), "/proc/stat": fixture("stat.0") };

  protected override equip(_name: string, platform: AgentPlatform): AgentPlatform {
    return { ...platform, hostFacts: createRecordedHostFacts(this.files) };
  }
}

let sim: CollectorSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("collectors in a complete agent", () => {
  test("idle until asked; GET /collectors/NAME reads the agent's host and keeps the collector running", async () => {
    sim = new CollectorSim(5);
    const agent = await sim.start(0, "master");
    const listed = (await (await agent.request("/collectors")).json()) as { collectors: { name: string; active: boolean }[] };
    expect(listed.collectors.filter((c) => c.active)).toEqual([]);

    const memory = (await (await agent.request("/collectors/memory")).json()) as { collector: { active: boolean; values: { usedPercent: number } } };
    expect(memory.collector).toMatchObject({ active: true, values: { usedPercent: 16.3 } });
    const cpu = await agent.request("/collectors/cpu");
    expect(cpu.status).toBe(200);
    sim.files["/proc/stat"] = fixture("stat.1");
    await sim.clock.advance(1_500);
    const rates = (await (await agent.request("/collectors/cpu")).json()) as { collector: { values: { cpu_all: Record<string, number> } } };
    expect(rates.collector.values.cpu_all["%idle"]).toBe(70);
    const after = (await (await agent.request("/collectors")).json()) as typeof listed;
    expect(after.collectors.filter((c) => c.active).map((c) => c.name)).toEqual(["cpu", "memory"]);
  });
});
