import { describe, expect, test } from "bun:test";
import * as dnsPacket from "dns-packet";
import type { DecodedPacket, Packet } from "dns-packet";
import type { DnsZone } from "../../src/dns/dns-answer.ts";
import type { DnsNode } from "../../src/dns/dns-node.ts";
import { respond, type DnsOutcome, type DnsTransport } from "../../src/dns/dns-responder.ts";

const zone: DnsZone = { domain: ["satellite"], ttlS: 5, negativeTtlS: 5, serial: 1 };
/** 200 running nodes with role `node`: far more A records than fit in 512 bytes. */
const many: DnsNode[] = Array.from({ length: 200 }, (_, i) => ({
  name: `node-${String(i).padStart(3, "0")}`,
  ip: `10.0.${i >> 8}.${i & 255}`,
  gossipPort: 7946,
  apiPort: 7575,
  tags: { role: "node" },
  memberStatus: "alive" as const,
  nodeStatus: "running" as const,
}));

function query(name: string, type = "A", over: Partial<Packet> = {}): Uint8Array {
  return dnsPacket.encode({ type: "query", id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as "A", class: "IN" }], ...over });
}
const edns = (udpPayloadSize: number, ednsVersion = 0): Packet["additionals"] => [{ type: "OPT", name: ".", udpPayloadSize, extendedRcode: 0, ednsVersion, flags: 0, flag_do: false, options: [] }];

function run(bytes: Uint8Array, transport: DnsTransport = "udp", extra: { truncateAll?: boolean } = {}): DnsOutcome {
  return respond({ bytes, transport, nodes: () => many, zone, rotation: 0, ...extra });
}
function decoded(outcome: DnsOutcome): DecodedPacket & { rcode?: string; opcode?: string } {
  if (outcome.kind !== "answer") throw new Error(`dropped: ${outcome.reason}`);
  return dnsPacket.decode(Buffer.from(outcome.bytes)) as DecodedPacket & { rcode?: string; opcode?: string };
}

describe("one packet in, one answer or a drop out", () => {
  test("an answer echoes id, question and RD, is a response, authoritative, without RA", () => {
    const out = decoded(run(query("Node-001.node.satellite")));
    expect(out.id).toBe(4242);
    expect(out.flag_qr).toBe(true);
    expect(out.flag_aa).toBe(true);
    expect(out.flag_rd).toBe(true);
    expect(out.flag_ra).toBe(false);
    expect(out.questions).toEqual([{ name: "Node-001.node.satellite", type: "A", class: "IN" }]);
    expect(out.answers?.map((a) => "data" in a && a.data)).toEqual(["10.0.0.1"]);
  });

  test("rcodes: NXDOMAIN, NOERROR without answers, REFUSED outside the domain and for zone transfers and other classes", () => {
    expect(decoded(run(query("nope.node.satellite"))).rcode).toBe("NXDOMAIN");
    const nodata = decoded(run(query("node-001.node.satellite", "AAAA")));
    expect([nodata.rcode, nodata.answers?.length, nodata.authorities?.[0]?.type]).toEqual(["NOERROR", 0, "SOA"]);
    expect(decoded(run(query("example.com"))).rcode).toBe("REFUSED");
    expect(decoded(run(query("satellite", "AXFR"))).rcode).toBe("REFUSED");
    const chaos = dnsPacket.encode({ type: "query", id: 1, questions: [{ name: "version.bind", type: "TXT", class: "CH" }] });
    expect(decoded(run(chaos)).rcode).toBe("REFUSED");
  });

  test("UDP without EDNS: at most 512 bytes, as many whole answers as fit, TC set", () => {
    const outcome = run(query("node.role.satellite"));
    if (outcome.kind !== "answer") throw new Error("dropped");
    expect(outcome.bytes.length).toBeLessThanOrEqual(512);
    expect(outcome.truncated).toBe(true);
    const out = decoded(outcome);
    expect(out.flag_tc).toBe(true);
    expect(out.answers?.length).toBeGreaterThan(5);
    expect(out.answers?.length).toBeLessThan(200);
  });

  test("UDP with EDNS: bounded by the client's size, never above 1232; the OPT record is returned", () => {
    const small = run(query("node.role.satellite", "A", { additionals: edns(800) }));
    const huge = run(query("node.role.satellite", "A", { additionals: edns(65_000) }));
    const tiny = run(query("node.role.satellite", "A", { additionals: edns(100) }));
    if (small.kind !== "answer" || huge.kind !== "answer" || tiny.kind !== "answer") throw new Error("dropped");
    expect(small.bytes.length).toBeLessThanOrEqual(800);
    expect(small.bytes.length).toBeGreaterThan(700);
    expect(huge.bytes.length).toBeLessThanOrEqual(1232);
    expect(huge.bytes.length).toBeGreaterThan(1100);
    // Below 512 the classic limit holds: a client cannot make answers smaller than that.
    expect(tiny.bytes.length).toBeGreaterThan(400);
    expect(decoded(small).additionals?.map((a) => a.type)).toEqual(["OPT"]);
    expect(decoded(huge).flag_tc).toBe(true);
  });

  test("TCP carries every answer without TC", () => {
    const outcome = run(query("node.role.satellite"), "tcp");
    const out = decoded(outcome);
    expect(out.flag_tc).toBe(false);
    expect(out.answers?.length).toBe(200);
  });

  test("a small answer over UDP is not truncated; SRV additionals are dropped first, without TC", () => {
    expect(decoded(run(query("node-001.node.satellite"))).flag_tc).toBe(false);
    const srv = decoded(run(query("_api._tcp.node-001.node.satellite", "SRV")));
    expect([srv.flag_tc, srv.answers?.length, srv.additionals?.length]).toEqual([false, 1, 1]);
    const big = decoded(run(query("_api._tcp.node.role.satellite", "SRV", { additionals: edns(1232) })));
    expect(big.flag_tc).toBe(true);
    expect(big.additionals?.map((a) => a.type)).toEqual(["OPT"]);
  });

  test("the rate limiter's slip: TC and no records at all", () => {
    const out = decoded(run(query("node.role.satellite"), "udp", { truncateAll: true }));
    expect([out.flag_tc, out.answers?.length, out.authorities?.length, out.rcode]).toEqual([true, 0, 0, "NOERROR"]);
  });

  test("EDNS errors: version 1 gets BADVERS (extended rcode 1 in OPT), two OPT records FORMERR", () => {
    const badvers = decoded(run(query("node-001.node.satellite", "A", { additionals: edns(1232, 1) })));
    const opt = badvers.additionals?.find((a) => a.type === "OPT");
    expect(opt && "extendedRcode" in opt ? opt.extendedRcode : undefined).toBe(1);
    expect(badvers.answers).toEqual([]);
    const two = decoded(run(query("node-001.node.satellite", "A", { additionals: [...(edns(1232) ?? []), ...(edns(1232) ?? [])] })));
    expect(two.rcode).toBe("FORMERR");
  });

  test("another opcode gets NOTIMP", () => {
    const bytes = query("node-001.node.satellite");
    bytes[2] = ((bytes[2] ?? 0) & 0x87) | (2 << 3); // opcode 2 (STATUS)
    const out = decoded(run(bytes));
    expect([out.rcode, out.opcode]).toEqual(["NOTIMP", "STATUS"]);
  });

  describe("hostile packets are dropped, with the reason", () => {
    const valid = query("node-001.node.satellite");
    const withCounts = (qd: number, an: number, ns: number, ar: number) => {
      const bytes = new Uint8Array(valid);
      const view = new DataView(bytes.buffer);
      view.setUint16(4, qd);
      view.setUint16(6, an);
      view.setUint16(8, ns);
      view.setUint16(10, ar);
      return bytes;
    };
    test.each([
      ["empty", new Uint8Array(0), "malformed"],
      ["shorter than a header", valid.slice(0, 11), "malformed"],
      ["cut inside the question", valid.slice(0, valid.length - 3), "malformed"],
      ["trailing bytes", new Uint8Array([...valid, 0, 0, 0]), "malformed"],
      ["no question", withCounts(0, 0, 0, 0), "malformed"],
      ["two questions announced", withCounts(2, 0, 0, 0), "malformed"],
      ["65535 questions announced", withCounts(65535, 0, 0, 0), "malformed"],
      ["answers in a query", withCounts(1, 1, 0, 0), "malformed"],
      ["three additional records", withCounts(1, 0, 0, 3), "malformed"],
      ["a response (QR set)", new Uint8Array([valid[0] ?? 0, valid[1] ?? 0, 0x80 | (valid[2] ?? 0), ...valid.slice(3)]), "not_query"],
      ["larger than any query", new Uint8Array(4096), "too_large"],
      ["a compression pointer loop", new Uint8Array([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]), "malformed"],
      ["random bytes", new Uint8Array(Array.from({ length: 64 }, (_, i) => (i * 7919 + 13) & 0xff)).map((b, i) => (i === 2 ? b & 0x7f : b)), "malformed"],
    ])("%s", (_what, bytes, reason) => {
      expect(run(bytes)).toEqual({ kind: "drop", reason: reason as "malformed" });
    });
  });
});
