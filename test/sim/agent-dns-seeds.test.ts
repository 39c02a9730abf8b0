import { afterEach, describe, expect, test } from "bun:test";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import { AgentSim } from "./agent-sim.ts";

/** Agents whose resolver knows `seeds.satellite.svc` as a headless Service: node-0 and node-1, and an address nobody answers on. */
class HeadlessServiceSim extends AgentSim {
  readonly resolved: string[] = [];
  protected override equip(_name: string, platform: AgentPlatform): AgentPlatform {
    return {
      ...platform,
      resolveHostAll: async (host) => {
        this.resolved.push(host);
        return host === "seeds.satellite.svc" ? [AgentSim.ipOf(0), AgentSim.ipOf(1), AgentSim.ipOf(0), "10.3.0.99"] : [host];
      },
    };
  }
}

let sim: HeadlessServiceSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("seeds by DNS name", () => {
  test("a joined name is tried at every address it resolves to, each once", async () => {
    sim = new HeadlessServiceSim(5);
    const s = sim;
    const [, , c] = [await s.start(0, "master"), await s.start(1, "node"), await s.start(2, "node")];
    const answer = c.request("/join", { method: "POST", body: JSON.stringify({ addresses: ["seeds.satellite.svc:7946"] }), headers: { "content-type": "application/json" }, remoteAddress: "127.0.0.1" });
    let body: unknown;
    void answer.then(async (response) => (body = { status: response.status, json: await response.json() }));
    expect(await s.advanceUntil(() => body !== undefined, 30_000)).toBeGreaterThanOrEqual(0);
    // node-0 and node-1 answered; 10.3.0.99 did not; node-0 was asked once although listed twice.
    expect(body).toEqual({ status: 200, json: { joined: 2 } });
    expect(s.resolved).toContain("seeds.satellite.svc");
    const allSeeAll = () => s.running().every((x) => x.events.filter((e) => e.type === "NodeAdded").length === 3);
    expect(await s.advanceUntil(allSeeAll, 30_000)).toBeGreaterThanOrEqual(0);
  });
});
