import { afterEach, describe, expect, test } from "bun:test";
import * as dnsPacket from "dns-packet";
import type { DecodedPacket } from "dns-packet";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import type { ListeningSockets, SocketAddress } from "../../src/platform/bun-sockets.ts";
import { AgentSim } from "./agent-sim.ts";

/**
 * The DNS interface and the statsd intake inside complete simulated agents: answers follow the
 * cluster view as gossip changes it (a degraded node leaves the healthy answers, a killed one
 * every answer), and statsd lines reach /metrics and /history/series. The listeners get
 * in-memory sockets, so every packet is handed over in simulated time.
 */
class PacketSockets implements ListeningSockets {
  readonly udp = new Map<number, (data: Uint8Array, from: SocketAddress) => void>();
  readonly sent: Uint8Array[] = [];
  openUdp: ListeningSockets["openUdp"] = async (_host, port, onPacket) => {
    this.udp.set(port, onPacket);
    return { port, send: (data) => void this.sent.push(data), close: () => void this.udp.delete(port) };
  };
  listenTcp: ListeningSockets["listenTcp"] = (_host, port) => ({ port, stop: () => {} });

  /** Hands `data` to the listener on `port` as a datagram from a client; returns what it sent back. */
  deliver(port: number, data: Uint8Array): Uint8Array[] {
    const handler = this.udp.get(port);
    if (!handler) throw new Error(`nothing listens on ${port}`);
    const before = this.sent.length;
    handler(data, { ip: "192.0.2.10", port: 53000 });
    return this.sent.slice(before);
  }
}

class ListeningSim extends AgentSim {
  readonly sockets = new Map<string, PacketSockets>();
  protected override extraConfig(): Record<string, unknown> {
    return { dnsAddr: "0.0.0.0:8600", statsdAddr: "0.0.0.0:8125" };
  }
  protected override equip(name: string, platform: AgentPlatform): AgentPlatform {
    const sockets = new PacketSockets();
    this.sockets.set(name, sockets);
    return { ...platform, sockets };
  }
}

let sim: ListeningSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

function ask(sockets: PacketSockets, name: string, type: "A" | "SRV" = "A"): DecodedPacket & { rcode?: string } {
  const replies = sockets.deliver(8600, dnsPacket.encode({ type: "query", id: 7, questions: [{ name, type }] }));
  expect(replies.length).toBe(1);
  return dnsPacket.decode(Buffer.from(replies[0] ?? new Uint8Array())) as DecodedPacket & { rcode?: string };
}
const addresses = (answer: DecodedPacket) => (answer.answers ?? []).map((a) => ("data" in a ? a.data : undefined)).sort();

describe("DNS and statsd in simulated agents", () => {
  test("answers follow the cluster: healthy nodes only, any. for all alive ones, a killed node disappears", async () => {
    sim = new ListeningSim(11);
    const s = sim;
    const [a, b] = [await s.start(0, "master"), await s.start(1, "node", [0]), await s.start(2, "node", [0])];
    const dns = s.sockets.get("node-0") as PacketSockets;
    const healthyNodes = () => addresses(ask(dns, "node.role.satellite"));
    expect(await s.advanceUntil(() => healthyNodes().length === 2, 30_000)).toBeGreaterThanOrEqual(0);
    expect(healthyNodes()).toEqual(["10.3.0.2", "10.3.0.3"]);
    expect(addresses(ask(dns, "node-0.node.satellite"))).toEqual(["10.3.0.1"]);
    const srv = ask(dns, "_api._tcp.satellite", "SRV").answers?.map((r) => r.type === "SRV" && `${r.data.target}:${r.data.port}`);
    expect(srv?.sort()).toEqual(["node-0.node.satellite:7575", "node-1.node.satellite:7575", "node-2.node.satellite:7575"]);
    expect(ask(dns, "_gossip._udp.node-2.node.satellite", "SRV").answers?.map((r) => r.type === "SRV" && r.data.port)).toEqual([7946]);

    // node-1's check fails: it leaves the healthy answers, and stays in the any. ones.
    b.appOutcome = { status: "failed", error: "app down" };
    expect(await s.advanceUntil(() => healthyNodes().length === 1, 10_000)).toBeGreaterThanOrEqual(0);
    expect(healthyNodes()).toEqual(["10.3.0.3"]);
    expect(ask(dns, "node-1.node.satellite").rcode).toBe("NXDOMAIN");
    expect(addresses(ask(dns, "any.node.role.satellite"))).toEqual(["10.3.0.2", "10.3.0.3"]);

    // node-2 is killed: once it is declared failed, no answer lists it.
    await s.stop("node-2", false);
    expect(await s.advanceUntil(() => ask(dns, "any.node-2.node.satellite").rcode === "NXDOMAIN", 30_000)).toBeGreaterThanOrEqual(0);
    expect(ask(dns, "node.role.satellite").rcode).toBe("NXDOMAIN");
    expect(addresses(ask(dns, "any.node.role.satellite"))).toEqual(["10.3.0.2"]);
    expect((await (await a.request("/metrics")).text())).toMatch(/satellite_dns_answers_total\{transport="udp",rcode="NXDOMAIN"\} [1-9]/);
  });

  test("statsd lines become series at the flush: /metrics and /history/series?metric=", async () => {
    sim = new ListeningSim(12);
    const a = await sim.start(0, "master");
    const statsd = sim.sockets.get("node-0") as PacketSockets;
    expect(statsd.deliver(8125, new TextEncoder().encode("shop.orders:3|c\nshop.orders:1|c|@0.5\nshop.checkout:120|ms\nshop.checkout:80|ms\nnot a metric\n"))).toEqual([]);
    await sim.clock.advance(10_000);
    const metrics = await (await a.request("/metrics")).text();
    expect(metrics).toContain('satellite_statsd_value{metric="shop.orders",stat="count"} 5');
    expect(metrics).toContain('satellite_statsd_value{metric="shop.checkout",stat="mean"} 100');
    expect(metrics).toContain('satellite_statsd_dropped_total{reason="malformed"} 1');
    const series = (await (await a.request("/history/series?metric=statsd.shop.checkout.upper&node=node-0")).json()) as { points: { max: number }[] };
    expect(series.points.map((p) => p.max)).toEqual([120]);
  });
});
