import { describe, expect, test } from "bun:test";
import { createRemoteDetails, detailsUrl, parseApiPortTag } from "../../src/cluster/remote-details.ts";
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

describe("remote details: the sat-api tag comes from the network", () => {
  test("a tag that is more than a port never becomes a request", async () => {
    const asked: string[] = [];
    const details = createRemoteDetails({
      clock: new ManualClock(),
      timeoutMs: 500,
      cacheMs: 5000,
      fetchJson: async (url) => {
        asked.push(url);
        return { name: "x", status: "running", probes: [] };
      },
    });
    const forged = ["17612/internal/admin?token=x&y=", "7575@evil.example", "7575#", "0", "65536", "+7575", " 7575", "07575", "7575\n"];
    await details.enrich(forged.map((port, i) => node(`n${i}`, { "sat-api": port })), "self");
    expect(asked).toEqual([]);
    await details.enrich([node("ok", { "sat-api": "65535" })], "self");
    expect(asked).toEqual(["http://10.0.0.9:65535/local"]);
  });

  test.each([
    ["7575", 7575],
    ["1", 1],
    ["65535", 65535],
    ["65536", undefined],
    ["0", undefined],
    ["", undefined],
    ["80/x", undefined],
    ["0x50", undefined],
  ])("port tag %j -> %p", (tag, port) => {
    expect(parseApiPortTag(tag)).toBe(port);
  });

  test.each([
    ["10.0.0.9:7946", "http://10.0.0.9:7575/local"],
    ["[fd00::1]:7946", "http://[fd00::1]:7575/local"],
    ["evil.example:7946", undefined],
    ["10.0.0.9/x:7946", undefined],
    [":7946", undefined],
  ])("gossip address %j -> %p", (addr, url) => {
    expect(detailsUrl(addr, 7575)).toBe(url);
  });
});
