import { describe, expect, test } from "bun:test";
import { createRemoteDetails } from "../../src/cluster/remote-details.ts";
import type { NodeStatusJson } from "../../src/cluster/status-json.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

const node = (name: string, tags: Record<string, string>, status = "alive"): NodeStatusJson => ({
  name,
  status: "degraded",
  probes: [{ checker: "docker", status: "failed" }],
  member_status: { name, node_name: name, addr: "10.0.0.9:7946", status: status as "alive", tags },
});

describe("remote details on demand", () => {
  test("asks nodes that advertise their API, caches, and keeps the digest for those that do not answer", async () => {
    const clock = new ManualClock();
    const asked: string[] = [];
    const details = createRemoteDetails({
      clock,
      timeoutMs: 500,
      cacheMs: 5000,
      fetchJson: async (url) => {
        asked.push(url);
        if (url.includes(":8000")) throw new Error("timeout");
        return { name: "a", status: "degraded", probes: [{ checker: "docker", status: "failed", error: "Cannot connect to the Docker daemon" }] };
      },
    });
    const nodes = [node("self", { "sat-api": "7575" }), node("a", { "sat-api": "7575" }), node("b", { "sat-api": "8000" }), node("c", {}), node("d", { "sat-api": "7575" }, "failed")];
    const out = await details.enrich(nodes, "self");
    expect(asked).toEqual(["http://10.0.0.9:7575/local", "http://10.0.0.9:8000/local"]);
    expect(out[1]?.probes?.[0]?.error).toBe("Cannot connect to the Docker daemon");
    expect(out[2]).toEqual(nodes[2]!);
    expect(out[3]).toEqual(nodes[3]!);
    await details.enrich(nodes, "self");
    expect(asked.length).toBe(2);
    await clock.advance(6000);
    await details.enrich(nodes, "self");
    expect(asked.length).toBe(4);
  });
});
