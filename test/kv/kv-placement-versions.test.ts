import { describe, expect, test } from "bun:test";
import { HashRing, writeQuorum } from "../../src/kv/hash-ring.ts";
import { kvNodes, kvNodeTags } from "../../src/kv/kv-placement.ts";
import { compareVersions, formatVersion, HybridClock, parseVersion } from "../../src/kv/kv-version.ts";
import { newerRecord } from "../../src/kv/kv-record.ts";
import { SATELLITE_TAGS } from "./kv-test-cluster.ts";

const names = (n: number) => Array.from({ length: n }, (_, i) => `node-${i}`);
const keys = Array.from({ length: 2000 }, (_, i) => `key/${i}`);

describe("hash ring", () => {
  test("3 distinct replicas per key, the same on every node whatever order it learnt the names in", () => {
    const a = new HashRing(names(7));
    const b = new HashRing([...names(7)].reverse());
    for (const key of keys) {
      const replicas = a.replicasFor(key);
      expect(new Set(replicas).size).toBe(3);
      expect(b.replicasFor(key)).toEqual(replicas);
    }
  });

  test("with 3 or fewer nodes every node holds every key", () => {
    expect(new HashRing(["b", "a"]).replicasFor("x").sort()).toEqual(["a", "b"]);
    expect(new HashRing(names(3)).replicasFor("x").sort()).toEqual(names(3));
    expect(new HashRing([]).replicasFor("x")).toEqual([]);
  });

  test("keys spread evenly: every node holds its share within 35 %", () => {
    const ring = new HashRing(names(10));
    const held = new Map<string, number>();
    for (const key of keys) for (const node of ring.replicasFor(key)) held.set(node, (held.get(node) ?? 0) + 1);
    const share = (keys.length * 3) / 10;
    for (const count of held.values()) {
      expect(count).toBeLessThan(share * 1.35);
      expect(count).toBeGreaterThan(share * 0.65);
    }
  });

  test("adding a node moves only the keys it takes: every moved key now has the new node", () => {
    const before = new HashRing(names(6));
    const after = new HashRing(names(7));
    let moved = 0;
    for (const key of keys) {
      const old = before.replicasFor(key);
      const now = after.replicasFor(key);
      if (old.join() === now.join()) continue;
      moved++;
      expect(now).toContain("node-6");
    }
    expect(moved).toBeLessThan(keys.length * 0.7);
  });

  test("write quorum is a majority", () => {
    expect([1, 2, 3].map(writeQuorum)).toEqual([1, 2, 2]);
  });
});

describe("placement over members", () => {
  const member = (name: string, status: "alive" | "failed" | "left" | "leaving", tags: Record<string, string> = SATELLITE_TAGS) => ({ name, addr: "10.0.0.1", port: 7946, tags, status });
  test("Satellite members that did not leave; failed ones stay (not alive); plain serf agents never", () => {
    const nodes = kvNodes([member("a", "alive"), member("b", "failed"), member("c", "left"), member("d", "leaving"), member("serf", "alive", { role: "node" })], "a");
    expect(nodes.map((n) => [n.name, n.alive])).toEqual([
      ["a", true],
      ["b", false],
    ]);
  });
  test("members tagged kv=no keep no replicas; a node with the store off or on etcd says so", () => {
    const nodes = kvNodes([member("a", "alive"), member("b", "alive", { ...SATELLITE_TAGS, kv: "no" })], "a");
    expect(nodes.map((n) => n.name)).toEqual(["a"]);
    expect(kvNodeTags({ enabled: true, backend: "replicated" })).toEqual({});
    expect(kvNodeTags({ enabled: false, backend: "replicated" })).toEqual({ kv: "no" });
    expect(kvNodeTags({ enabled: true, backend: "etcd" })).toEqual({ kv: "no" });
  });
  test("when any member is tagged kv=yes, only those", () => {
    const nodes = kvNodes([member("a", "alive"), member("b", "alive", { ...SATELLITE_TAGS, kv: "yes" }), member("c", "alive", { ...SATELLITE_TAGS, kv: "yes" })], "a");
    expect(nodes.map((n) => n.name)).toEqual(["b", "c"]);
  });
});

describe("versions and the conflict rule", () => {
  const v = (ms: number, counter: number, node: string) => ({ ms, counter, node });
  test.each([
    [v(2, 0, "a"), v(1, 9, "z"), 1],
    [v(1, 1, "a"), v(1, 0, "z"), 1],
    [v(1, 1, "b"), v(1, 1, "a"), 1],
    [v(1, 1, "a"), v(1, 1, "a"), 0],
    [v(1, 0, "z"), v(2, 0, "a"), -1],
  ] as const)("compare %o with %o: %d", (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
    expect(Math.sign(compareVersions(b, a))).toBe(-sign || 0);
  });

  test("newerRecord keeps the later write; a tombstone wins like a value", () => {
    const value = { key: "k", value: new Uint8Array([1]), version: v(5, 0, "a") };
    const tomb = { key: "k", value: undefined, version: v(6, 0, "b") };
    expect(newerRecord(value, tomb)).toBe(tomb);
    expect(newerRecord(tomb, value)).toBe(tomb);
  });

  test("format and parse round-trip, node names with dots included; junk is refused", () => {
    const version = v(1_767_225_600_123, 42, "node.example.com");
    expect(formatVersion(version)).toBe("1767225600123.42.node.example.com");
    expect(parseVersion(formatVersion(version))).toEqual(version);
    for (const junk of ["", "1.2", "a.1.n", "1.99999999999.n", "-1.0.n"]) expect(parseVersion(junk)).toBeUndefined();
  });

  test("the hybrid clock only moves forward: same ms gets a counter, a backwards wall clock keeps the last ms", () => {
    let wall = 1000;
    const clock = new HybridClock("n", () => wall);
    expect(clock.next()).toEqual(v(1000, 0, "n"));
    expect(clock.next()).toEqual(v(1000, 1, "n"));
    wall = 900;
    expect(clock.next()).toEqual(v(1000, 2, "n"));
    wall = 1001;
    expect(clock.next()).toEqual(v(1001, 0, "n"));
  });

  test("an observed later version moves the clock past it, unless it is too far ahead", () => {
    const clock = new HybridClock("n", () => 1000, 60_000);
    clock.observe(v(5000, 3, "other"));
    expect(clock.next()).toEqual(v(5000, 4, "n"));
    clock.observe(v(1000 + 60_001 + 5000, 0, "liar"));
    expect(clock.next()).toEqual(v(5000, 5, "n"));
  });
});
