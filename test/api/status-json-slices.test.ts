import { describe, expect, test } from "bun:test";
import { encodeStatusInSlices, NODES_PER_SLICE } from "../../src/api/status-json-slices.ts";
import { omitEmpty, type ClusterStatusJson } from "../../src/cluster/status-json.ts";

const node = (i: number) => ({ name: `node-${i}`, status: "running" as const, probes: [{ checker: "disk", status: "running" as const, detail: i % 3 === 0 ? "" : `${i}% used` }] });

describe("a status encoded in slices", () => {
  test.each([
    ["no nodes key", { status: "running", timestamp: "t", summary: "" }],
    ["empty nodes", { status: "degraded", nodes: [], timestamp: "t", summary: "master node unavailable" }],
    ["one slice", { status: "running", nodes: Array.from({ length: NODES_PER_SLICE }, (_, i) => node(i)), timestamp: "t" }],
    ["many slices, keys before and after the nodes, maintenance, an empty summary", { status: "degraded", nodes: Array.from({ length: 4 * NODES_PER_SLICE + 3 }, (_, i) => node(i)), timestamp: "t", summary: "", maintenance: [{ id: "w1", node: "node-3", until: "u", started_at: "s", reason: '"quoted" \\u0000 and "nodes":[]', author: "" }] }],
    ["nodes listed after other keys", { timestamp: "t", summary: "x", nodes: Array.from({ length: 2 * NODES_PER_SLICE + 1 }, (_, i) => node(i)), status: "running" }],
  ] as [string, ClusterStatusJson][])("%s: exactly JSON.stringify(omitEmpty(status))", async (_label, status) => {
    const { text } = await encodeStatusInSlices(status, async () => {}, () => 0);
    expect(text).toBe(JSON.stringify(omitEmpty(status)));
  });

  test("the event loop gets a turn after every slice of nodes; the time between slices is not counted as encoding", async () => {
    const status: ClusterStatusJson = { status: "running", nodes: Array.from({ length: 10 * NODES_PER_SLICE }, (_, i) => node(i)), timestamp: "t" };
    let now = 0;
    let turns = 0;
    const encoded = await encodeStatusInSlices(
      status,
      async () => {
        turns++;
        now += 1000;
      },
      () => (now += 1),
    );
    expect(turns).toBe(10);
    expect(encoded.busyMs).toBeLessThan(1000);
  });
});
