import { describe, expect, test } from "bun:test";
import { emptyKvSnapshot } from "../../src/generators/kv-snapshot.ts";
import { buildTemplateContext } from "../../src/generators/template-context.ts";
import { member } from "./fakes.ts";

describe("what templates see", () => {
  test("members sorted by name with address, port, tags without Satellite's own, status, health, role, healthy", () => {
    const starting = { ...member("c", "10.0.0.3"), nodeStatus: undefined };
    const context = buildTemplateContext(
      { facts: [member("b", "10.0.0.2", { health: "degraded", tags: { "sat-api": "7575", zone: "eu" } }), starting, member("a", "10.0.0.1", { role: "master" }), member("d", "10.0.0.4", { status: "failed" })], self: "a", clusterName: "prod" },
      { name: "lb", target: "/etc/lb.cfg" },
      emptyKvSnapshot(),
    );
    expect(context.members.map((m) => [m.name, m.status, m.health, m.role, m.healthy])).toEqual([
      ["a", "alive", "running", "master", true],
      ["b", "alive", "degraded", "node", false],
      ["c", "alive", "unknown", "node", false],
      ["d", "failed", "running", "node", false],
    ]);
    expect(context.members[1]).toMatchObject({ address: "10.0.0.2", port: 7946, tags: { role: "node", zone: "eu" } });
    expect(context.members[1]?.tags).not.toHaveProperty("sat-api");
    expect(context.cluster).toEqual({ name: "prod", status: "degraded", summary: "failed nodes: d; degraded nodes: b" });
    expect(context.self).toEqual({ name: "a" });
    expect(context.generator).toEqual({ name: "lb", target: "/etc/lb.cfg" });
  });

  test("kv and kv_get take strings only", () => {
    const context = buildTemplateContext({ facts: [], self: "a" }, { name: "lb", target: "/x" }, emptyKvSnapshot(["p/"]));
    expect(context.kv("p/")).toEqual([]);
    expect(context.kv_get("p/x")).toBeUndefined();
    expect(() => context.kv(undefined)).toThrow("kv(prefix) takes a string, got nothing");
    expect(() => context.kv_get(3)).toThrow("kv_get(key) takes a string, got number");
  });
});
