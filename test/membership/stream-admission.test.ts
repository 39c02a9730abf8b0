import { describe, expect, test } from "bun:test";
import { DEFAULT_STREAM_LIMITS, IncomingStreams, MEMBER_IPS_MAX } from "../../src/membership/stream-admission.ts";
import { silentLogger } from "../../src/platform/logger.ts";

function streams(now: { ms: number }) {
  return new IncomingStreams({ ...DEFAULT_STREAM_LIMITS, incomingMax: 64, incomingPerPeerMax: 8, incomingPerMemberMax: 48, memberWindowMs: 30_000 }, silentLogger, () => now.ms);
}

function admitted(incoming: IncomingStreams, ip: string, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (incoming.admit(ip) === undefined) n++;
  return n;
}

describe("incoming stream admission", () => {
  test("an IP that never sent a valid gossip packet keeps the per-peer bound", () => {
    const incoming = streams({ ms: 0 });
    expect(admitted(incoming, "10.0.0.9", 20)).toBe(8);
    expect(incoming.admit("10.0.0.9")).toBe("too_many_from_peer");
  });

  test("an IP that gossiped within the window gets the member bound; the total bound still holds", () => {
    const now = { ms: 1000 };
    const incoming = streams(now);
    incoming.gossipedFrom("127.0.0.1");
    expect(admitted(incoming, "127.0.0.1", 100)).toBe(48);
    expect(incoming.admit("127.0.0.1")).toBe("too_many_from_peer");
    expect(admitted(incoming, "10.0.0.9", 100)).toBe(8);
    incoming.gossipedFrom("10.0.0.10");
    expect(admitted(incoming, "10.0.0.10", 100)).toBe(8);
    expect(incoming.admit("10.0.0.10")).toBe("too_many_streams");
  });

  test("the member bound ends memberWindowMs after the last packet", () => {
    const now = { ms: 0 };
    const incoming = streams(now);
    incoming.gossipedFrom("10.0.0.5");
    now.ms = 30_001;
    expect(incoming.perPeerMaxFor("10.0.0.5")).toBe(8);
    incoming.gossipedFrom("10.0.0.5");
    expect(incoming.perPeerMaxFor("10.0.0.5")).toBe(48);
  });

  test("remembered IPs are bounded: the oldest is forgotten first", () => {
    const incoming = streams({ ms: 0 });
    for (let i = 0; i <= MEMBER_IPS_MAX; i++) incoming.gossipedFrom(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    expect(incoming.perPeerMaxFor("10.0.0.0")).toBe(8);
    expect(incoming.perPeerMaxFor("10.0.0.1")).toBe(48);
  });
});
