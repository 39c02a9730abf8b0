import { describe, expect, test } from "bun:test";
import { meaningOf, nodeTargetName, parseDnsDomain } from "../../src/dns/dns-name.ts";

const D = ["satellite"];

describe("query names under the domain", () => {
  test.each([
    ["web1.node.satellite", { kind: "nodes", selector: { kind: "node", name: "web1" }, includeUnhealthy: false }],
    ["WEB1.Node.SATELLITE", { kind: "nodes", selector: { kind: "node", name: "web1" }, includeUnhealthy: false }],
    ["web1.node.satellite.", { kind: "nodes", selector: { kind: "node", name: "web1" }, includeUnhealthy: false }],
    ["any.web1.node.satellite", { kind: "nodes", selector: { kind: "node", name: "web1" }, includeUnhealthy: true }],
    // The label count is fixed: a node may be called `any`.
    ["any.node.satellite", { kind: "nodes", selector: { kind: "node", name: "any" }, includeUnhealthy: false }],
    ["master.role.satellite", { kind: "nodes", selector: { kind: "role", role: "master" }, includeUnhealthy: false }],
    ["any.master.role.satellite", { kind: "nodes", selector: { kind: "role", role: "master" }, includeUnhealthy: true }],
    ["yes.redis.tag.satellite", { kind: "nodes", selector: { kind: "tag", key: "redis", value: "yes" }, includeUnhealthy: false }],
    ["any.yes.redis.tag.satellite", { kind: "nodes", selector: { kind: "tag", key: "redis", value: "yes" }, includeUnhealthy: true }],
    ["any.zone.tag.satellite", { kind: "nodes", selector: { kind: "tag", key: "zone", value: "any" }, includeUnhealthy: false }],
    ["_api._tcp.satellite", { kind: "nodes", selector: { kind: "all" }, includeUnhealthy: false, service: "api" }],
    ["_api._tcp.any.satellite", { kind: "nodes", selector: { kind: "all" }, includeUnhealthy: true, service: "api" }],
    ["_gossip._udp.master.role.satellite", { kind: "nodes", selector: { kind: "role", role: "master" }, includeUnhealthy: false, service: "gossip-udp" }],
    ["_gossip._tcp.any.web1.node.satellite", { kind: "nodes", selector: { kind: "node", name: "web1" }, includeUnhealthy: true, service: "gossip-tcp" }],
  ])("%s", (name, meaning) => {
    expect(meaningOf(name, D)).toEqual(meaning as never);
  });

  test.each([
    ["satellite", "apex"],
    ["SATELLITE.", "apex"],
    ["node.satellite", "intermediate"],
    ["role.satellite", "intermediate"],
    ["tag.satellite", "intermediate"],
    ["redis.tag.satellite", "intermediate"],
    ["_tcp.satellite", "intermediate"],
    ["web1.satellite", "unknown"],
    ["a.b.web1.node.satellite", "unknown"],
    ["any.a.b.node.satellite", "unknown"],
    ["_http._tcp.satellite", "unknown"],
    ["_api._udp.satellite", "unknown"],
    ["_api._tcp.node.satellite", "unknown"],
    ["_api._tcp.web1.satellite", "unknown"],
    ["we b1.node.satellite", "unknown"],
    ["wéb1.node.satellite", "unknown"],
    [`${"a".repeat(64)}.node.satellite`, "unknown"],
    ["web1.node.example.com", "outside"],
    ["satellite.example", "outside"],
    ["", "outside"],
  ])("%s is %s", (name, kind) => {
    expect(meaningOf(name, D).kind).toBe(kind as never);
  });

  test("a domain of several labels", () => {
    const domain = ["dc1", "example", "com"];
    expect(meaningOf("web1.node.dc1.example.com", domain)).toEqual({ kind: "nodes", selector: { kind: "node", name: "web1" }, includeUnhealthy: false });
    expect(meaningOf("dc1.example.com", domain).kind).toBe("apex");
    expect(meaningOf("web1.node.dc2.example.com", domain).kind).toBe("outside");
    expect(meaningOf("example.com", domain).kind).toBe("outside");
  });

  test("the configured domain is checked and lowercased", () => {
    expect(parseDnsDomain("Satellite.")).toEqual(["satellite"]);
    expect(parseDnsDomain("dc1.example.com")).toEqual(["dc1", "example", "com"]);
    for (const bad of ["", ".", "-a", "a_b", "a..b", "a b", `${"a".repeat(64)}.com`]) expect(typeof parseDnsDomain(bad)).toBe("string");
  });

  test("SRV targets name the node, with any. when the question included unhealthy nodes", () => {
    expect(nodeTargetName("Web1", D, false)).toBe("web1.node.satellite");
    expect(nodeTargetName("web1", D, true)).toBe("any.web1.node.satellite");
    expect(meaningOf(nodeTargetName("web1", D, true), D)).toEqual({ kind: "nodes", selector: { kind: "node", name: "web1" }, includeUnhealthy: true });
  });
});
