import { afterEach, describe, expect, test } from "bun:test";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import { createRecordedHostFacts } from "../../src/platform/host-facts.ts";
import { AgentSim, type SimAgent } from "./agent-sim.ts";

/** Complete agents with detectors and tag-scoped checks; each node's host is a table the test edits. */
class DetectorSim extends AgentSim {
  readonly hosts = new Map<string, Record<string, string>>();

  protected override extraConfig(name: string): Record<string, unknown> {
    return {
      tags: { role: name === "node-0" ? "master" : "node", zone: "eu-1" },
      detectors: [
        { name: "redis", applyIf: 'processRunning("redis-server") or portListening(6379)', tags: { redis: "yes" }, interval: "5s" },
        { name: "debian", applyIf: 'osRelease("ID") == "debian"', tags: { os: "debian" }, interval: "5s" },
      ],
      checks: [
        { name: "app", kind: "sim-switch", intervalMs: 1000 },
        { name: "redis-app", kind: "sim-switch", intervalMs: 1000, applyOn: "redis=yes" },
        { name: "master-eu", kind: "sim-switch", intervalMs: 1000, applyOn: 'tag("role") == "master" and tag("zone") != "eu-2"' },
      ],
    };
  }

  protected override equip(name: string, platform: AgentPlatform): AgentPlatform {
    const files = this.hosts.get(name) ?? {};
    this.hosts.set(name, files);
    return { ...platform, hostFacts: createRecordedHostFacts(files) };
  }
}

async function json<T>(agent: SimAgent, path: string): Promise<T> {
  const response = await agent.request(path);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const tagsOf = async (viewer: SimAgent, member: string) => (await json<{ members: { name: string; tags: Record<string, string> }[] }>(viewer, "/members")).members.find((m) => m.name === member)?.tags;

let sim: DetectorSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("detectors and tag-scoped checks in complete agents", () => {
  test("detected tags are gossiped, scope the checks, change with the host and reach the timeline", async () => {
    sim = new DetectorSim(11);
    const s = sim;
    s.hosts.set("node-0", { "/proc/42/comm": "redis-server\n", "/etc/os-release": "ID=debian\n" });
    s.hosts.set("node-1", { "/proc/7/comm": "sshd\n", "/etc/os-release": "ID=alpine\n" });
    const a = await s.start(0, "master");
    const b = await s.start(1, "node", [0]);
    expect(await s.advanceUntil(() => s.running().every((x) => x.events.filter((e) => e.type === "NodeAdded").length === 2), 30_000)).toBeGreaterThanOrEqual(0);

    // The first pass ran before the checks were planned: node-0 runs the scoped checks, node-1 skips them, saying why.
    const checksA = await json<{ checks: { name: string }[]; skipped: { name: string; reason: string }[] }>(a, "/checks");
    expect(checksA.checks.map((c) => c.name).sort()).toEqual(["app", "master-eu", "redis-app"]);
    const checksB = await json<{ checks: { name: string }[]; skipped: { name: string; reason: string }[] }>(b, "/checks");
    expect(checksB.checks.map((c) => c.name)).toEqual(["app"]);
    expect(checksB.skipped).toEqual([
      { name: "redis-app", kind: "sim-switch", reason: "applyOn redis=yes does not hold on this node" },
      { name: "master-eu", kind: "sim-switch", reason: 'applyOn tag("role") == "master" and tag("zone") != "eu-2" does not hold on this node' },
    ] as never);

    // Gossiped like static tags: node-1 sees node-0's detected tags beside its static ones.
    await s.advanceUntil(() => false, 3000);
    expect(await tagsOf(b, "node-0")).toMatchObject({ role: "master", zone: "eu-1", redis: "yes", os: "debian" });
    expect(await tagsOf(a, "node-1")).not.toHaveProperty("redis");
    // The first change came during start, before the test subscribed: the stream's replay has it.
    const changed = (a.agent.events.since(0) ?? []).filter((e) => e.type === "TagsChanged");
    expect(changed).toMatchObject([{ node: "node-0", kind: "node", tags: { redis: "yes", os: "debian" }, set: { redis: "yes", os: "debian" }, removed: [] }]);
    expect((b.agent.events.since(0) ?? []).filter((e) => e.type === "TagsChanged")).toEqual([]);

    const detectors = await json<{ detectors: { name: string; applies?: boolean; tags: Record<string, string> }[]; tags: Record<string, string> }>(a, "/detectors");
    expect(detectors.tags).toEqual({ redis: "yes", os: "debian" });
    expect(detectors.detectors.map((d) => [d.name, d.applies])).toEqual([["redis", true], ["debian", true]]);

    // redis stops: within an interval the tag is gone, on node-0 and in node-1's view.
    delete s.hosts.get("node-0")?.["/proc/42/comm"];
    expect(await s.advanceUntil(() => a.events.some((e) => e.type === "TagsChanged"), 10_000)).toBeGreaterThanOrEqual(0);
    expect(a.events.filter((e) => e.type === "TagsChanged").at(-1)).toMatchObject({ tags: { os: "debian" }, set: {}, removed: ["redis"] });
    await s.advanceUntil(() => false, 3000);
    const seen = await tagsOf(b, "node-0");
    expect(seen).not.toHaveProperty("redis");
    expect(seen).toMatchObject({ os: "debian", role: "master" });

    // The checks were planned again: redis-app stopped on node-0 and is listed as skipped.
    const after = await json<{ checks: { name: string }[]; skipped: { name: string; reason: string }[] }>(a, "/checks");
    expect(after.checks.map((c) => c.name).sort()).toEqual(["app", "master-eu"]);
    expect(after.skipped.map((c) => c.name)).toEqual(["redis-app"]);

    // The timeline keeps both changes.
    const history = await json<{ events: { type: string; node?: string; oldState?: string; newState?: string }[] }>(a, "/history?type=TagsChanged");
    // Before and after as key=value lists; a removed tag by its key alone.
    expect(history.events.map((e) => [e.oldState ?? "", e.newState]).sort()).toEqual([
      ["", "os=debian,redis=yes"],
      ["os=debian,redis", "os=debian"],
    ]);
  });
});
