import { describe, expect, test } from "bun:test";
import type { Answer } from "dns-packet";
import { answerQuestion, type DnsZone } from "../../src/dns/dns-answer.ts";
import type { DnsNode } from "../../src/dns/dns-node.ts";

const zone: DnsZone = { domain: ["satellite"], ttlS: 5, negativeTtlS: 7, serial: 42 };

function node(name: string, over: Partial<DnsNode> = {}): DnsNode {
  return { name, ip: `10.0.0.${name.replace(/\D/g, "") || "9"}`, gossipPort: 7946, apiPort: 7575, tags: { role: "node" }, memberStatus: "alive", nodeStatus: "running", ...over };
}

const nodes: DnsNode[] = [
  node("m1", { tags: { role: "master", zone: "eu-1" } }),
  node("n2", { tags: { role: "node", redis: "yes", zone: "eu-1" } }),
  node("n3", { tags: { role: "node", redis: "yes" }, nodeStatus: "degraded" }),
  node("n4", { tags: { role: "node", redis: "yes" }, memberStatus: "failed" }),
  node("n5", { tags: { role: "node" }, nodeStatus: undefined }),
  node("v6", { ip: "fd00::6", tags: { role: "master" }, apiPort: undefined }),
  node("Web.1", { ip: "10.0.0.77", tags: { role: "master" } }),
];

const ask = (name: string, type = "A") => answerQuestion({ name, type: type as "A", class: "IN" }, nodes, zone);
const data = (answers: Answer[]) => answers.map((a) => ("data" in a ? a.data : undefined)).sort();

describe("answers from the cluster view", () => {
  test("a running alive node by name: its A record, owner as asked, the node TTL", () => {
    const a = ask("M1.node.satellite");
    expect(a.rcode).toBe("NOERROR");
    expect(a.authoritative).toBe(true);
    expect(a.answers).toEqual([{ type: "A", name: "M1.node.satellite", ttl: 5, data: "10.0.0.1" }]);
  });

  test("only alive nodes whose status is running, unless the name starts with any.", () => {
    expect(data(ask("node.role.satellite").answers)).toEqual(["10.0.0.2"]);
    // Degraded (n3) and not yet reported (n5) come with any.; the failed member (n4) never does.
    expect(data(ask("any.node.role.satellite").answers)).toEqual(["10.0.0.2", "10.0.0.3", "10.0.0.5"]);
    expect(data(ask("yes.redis.tag.satellite").answers)).toEqual(["10.0.0.2"]);
    expect(data(ask("any.yes.redis.tag.satellite").answers)).toEqual(["10.0.0.2", "10.0.0.3"]);
    expect(data(ask("EU-1.zone.tag.satellite").answers)).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  test("NXDOMAIN with the SOA when no node qualifies: unknown, degraded without any., failed, or no such name", () => {
    for (const name of ["zz.node.satellite", "n3.node.satellite", "n4.node.satellite", "any.n4.node.satellite", "db.role.satellite", "no.redis.tag.satellite", "web1.satellite"]) {
      const a = ask(name);
      expect({ name, rcode: a.rcode }).toEqual({ name, rcode: "NXDOMAIN" });
      expect(a.answers).toEqual([]);
      expect(a.authorities.map((r) => r.type)).toEqual(["SOA"]);
      expect(a.authorities[0]).toMatchObject({ name: "satellite", ttl: 7, data: { serial: 42, minimum: 7 } });
    }
    expect(ask("any.n3.node.satellite").rcode).toBe("NOERROR");
  });

  test("NODATA (NOERROR, no answers, SOA) when the name exists without records of the type asked", () => {
    for (const [name, type] of [["m1.node.satellite", "AAAA"], ["m1.node.satellite", "MX"], ["m1.node.satellite", "SRV"], ["v6.node.satellite", "A"], ["node.satellite", "A"], ["redis.tag.satellite", "A"], ["satellite", "A"], ["_api._tcp.satellite", "A"]] as const) {
      const a = ask(name, type);
      expect({ name, type, rcode: a.rcode, answers: a.answers.length }).toEqual({ name, type, rcode: "NOERROR", answers: 0 });
      expect(a.authorities.map((r) => r.type)).toEqual(["SOA"]);
    }
  });

  test("AAAA for an IPv6 member; ANY gives every address record", () => {
    expect(ask("v6.node.satellite", "AAAA").answers).toEqual([{ type: "AAAA", name: "v6.node.satellite", ttl: 5, data: "fd00::6" }]);
    expect(data(ask("master.role.satellite", "ANY").answers)).toEqual(["10.0.0.1", "10.0.0.77", "fd00::6"]);
  });

  test("a node whose name is not a DNS label is found by role and tag, not by name", () => {
    expect(data(ask("master.role.satellite").answers)).toContain("10.0.0.77");
    expect(ask("web.1.node.satellite").rcode).toBe("NXDOMAIN");
  });

  test("SRV for the API and gossip ports, targets with their addresses in the additional section", () => {
    const api = ask("_api._tcp.master.role.satellite", "SRV");
    expect(api.rcode).toBe("NOERROR");
    // v6 gossips no API port and Web.1 has no usable target name: neither is listed.
    expect(api.answers).toEqual([{ type: "SRV", name: "_api._tcp.master.role.satellite", ttl: 5, data: { priority: 1, weight: 1, port: 7575, target: "m1.node.satellite" } }]);
    expect(api.additionals).toEqual([{ type: "A", name: "m1.node.satellite", ttl: 5, data: "10.0.0.1" }]);
    const gossip = ask("_gossip._udp.master.role.satellite", "SRV");
    expect(gossip.answers.map((a) => a.type === "SRV" && [a.data.port, a.data.target])).toEqual([
      [7946, "m1.node.satellite"],
      [7946, "v6.node.satellite"],
    ]);
    expect(gossip.additionals.map((a) => a.type)).toEqual(["A", "AAAA"]);
    const all = ask("_api._tcp.satellite", "SRV");
    expect(all.answers.map((a) => a.type === "SRV" && a.data.target)).toEqual(["m1.node.satellite", "n2.node.satellite"]);
  });

  test("SRV from an any. name points at any. targets, which resolve whatever the node's health", () => {
    const srv = ask("_api._tcp.any.n3.node.satellite", "SRV");
    expect(srv.answers.map((a) => a.type === "SRV" && a.data.target)).toEqual(["any.n3.node.satellite"]);
    expect(data(ask("any.n3.node.satellite").answers)).toEqual(["10.0.0.3"]);
    expect(ask("_api._tcp.n3.node.satellite", "SRV").rcode).toBe("NXDOMAIN");
  });

  test("the apex has the SOA; names outside the domain are refused, not answered", () => {
    const soa = ask("satellite", "SOA");
    expect(soa.answers).toEqual([expect.objectContaining({ type: "SOA", name: "satellite", data: expect.objectContaining({ mname: "ns.satellite", rname: "hostmaster.satellite", serial: 42 }) })]);
    const outside = ask("example.com");
    expect(outside).toEqual({ rcode: "REFUSED", authoritative: false, answers: [], authorities: [], additionals: [] });
  });

  test("the rotation turns the order of records round-robin", () => {
    const order = (rotation: number) => answerQuestion({ name: "any.node.role.satellite", type: "A" }, nodes, zone, rotation).answers.map((a) => ("data" in a ? a.data : ""));
    expect(order(0)).toEqual(["10.0.0.2", "10.0.0.3", "10.0.0.5"]);
    expect(order(1)).toEqual(["10.0.0.3", "10.0.0.5", "10.0.0.2"]);
    expect(order(5)).toEqual(["10.0.0.5", "10.0.0.2", "10.0.0.3"]);
  });
});
