import { describe, expect, test } from "bun:test";
import type { GossipNet, GossipNetHandlers, NetAddress } from "../../src/membership/gossip-net.ts";
import type { AliveMessage, GossipMessage, PingMessage, PushNodeState, PushPullMessage, UserMessage } from "../../src/membership/messages.ts";

/**
 * One suite every GossipNet implementation runs (simulated and real UDP/TCP).
 * `advance` drives a manual clock; without it the suite waits in real time, always on a
 * condition with a bounded deadline. `deadAddress` is an address where nothing listens
 * (default: port 1 on a's IP).
 */
export interface GossipNetPair {
  a: GossipNet;
  b: GossipNet;
  advance?: (ms: number) => Promise<void>;
  deadAddress?: NetAddress;
  cleanup(): Promise<void>;
}

interface Received {
  msg: GossipMessage;
  from: NetAddress;
}

const WAIT_LIMIT_MS = 3000;

export function runGossipNetContract(name: string, makePair: () => Promise<GossipNetPair>): void {
  describe(`GossipNet contract: ${name}`, () => {
    const withPair = (fn: (pair: GossipNetPair, inbox: Received[]) => Promise<void>) => async () => {
      const pair = await makePair();
      const inbox: Received[] = [];
      pair.a.setHandlers(recordingHandlers([]));
      pair.b.setHandlers(recordingHandlers(inbox));
      try {
        await fn(pair, inbox);
      } finally {
        await pair.cleanup();
      }
    };

    test(
      "reports a usable packet budget and positive encoded sizes",
      withPair(async ({ a }) => {
        expect(a.packetBudgetBytes).toBeGreaterThan(500);
        expect(a.packetBudgetBytes).toBeLessThanOrEqual(1400);
        expect(a.encodedSize(ping(1, "b"))).toBeGreaterThan(0);
        expect(a.encodedSize(user(100))).toBeGreaterThan(a.encodedSize(user(1)));
      }),
    );

    test(
      "delivers a single-message packet with the sender's address",
      withPair(async (pair, inbox) => {
        pair.a.sendPacket(pair.b.localAddress, [ping(7, "b")]);
        await waitUntil(() => inbox.length === 1, pair.advance, "one packet message at b");
        const got = inbox[0]!;
        expect(got.msg).toMatchObject({ type: "ping", seqNo: 7, node: "b" });
        expect(got.from.port).toBe(pair.a.localAddress.port);
      }),
    );

    test(
      "splits a compound packet into its messages, in order, with payloads intact",
      withPair(async (pair, inbox) => {
        const bytes = new Uint8Array([0, 1, 2, 250, 255]);
        const msgs: GossipMessage[] = [ping(1, "b"), alive("node-a", 3), { type: "user", payload: bytes }, { type: "suspect", incarnation: 4, node: "x", from: "node-a" }];
        pair.a.sendPacket(pair.b.localAddress, msgs);
        await waitUntil(() => inbox.length === 4, pair.advance, "four split messages at b");
        expect(inbox.map((r) => r.msg.type)).toEqual(["ping", "alive", "user", "suspect"]);
        expect(inbox[1]!.msg).toMatchObject({ incarnation: 3, node: "node-a", port: 7946 });
        expect(Array.from((inbox[1]!.msg as AliveMessage).meta)).toEqual([255, 1, 2]);
        expect(Array.from((inbox[2]!.msg as UserMessage).payload)).toEqual([0, 1, 2, 250, 255]);
      }),
    );

    test(
      "answers a stream request with the handler's reply (push/pull and ping/ack)",
      withPair(async (pair, inbox) => {
        const request = pushPull(true, 3);
        const reply = await settle(pair.a.sendStream(pair.b.localAddress, request, { timeoutMs: 2000, expectReply: true }), pair.advance);
        expect(inbox.map((r) => r.msg.type)).toEqual(["pushPull"]);
        expect(reply).toMatchObject({ type: "pushPull", join: false });
        expect((reply as PushPullMessage).nodes.map((n) => n.name)).toEqual(["b-0", "b-1"]);
        expect(Array.from((reply as PushPullMessage).userState)).toEqual([9, 8, 7]);
        const ack = await settle(pair.a.sendStream(pair.b.localAddress, ping(11, "b"), { timeoutMs: 2000, expectReply: true }), pair.advance);
        expect(ack).toMatchObject({ type: "ack", seqNo: 11 });
      }),
    );

    test(
      "carries a large push/pull over a stream intact",
      withPair(async (pair, inbox) => {
        const request = pushPull(false, 300);
        await settle(pair.a.sendStream(pair.b.localAddress, request, { timeoutMs: 5000, expectReply: true }), pair.advance);
        const got = inbox[0]!.msg as PushPullMessage;
        expect(got.nodes.length).toBe(300);
        expect(got.nodes[299]).toMatchObject({ name: "node-299", incarnation: 299, state: 0 });
      }),
    );

    test(
      "delivers a one-way stream message and resolves without a reply",
      withPair(async (pair, inbox) => {
        const result = await settle(pair.a.sendStream(pair.b.localAddress, user(20), { timeoutMs: 2000, expectReply: false }), pair.advance);
        expect(result).toBeUndefined();
        await waitUntil(() => inbox.length === 1, pair.advance, "the one-way stream message at b");
        expect(inbox[0]!.msg.type).toBe("user");
      }),
    );

    test(
      "rejects a stream to an address where nothing listens",
      withPair(async (pair) => {
        const dead = pair.deadAddress ?? { ip: pair.a.localAddress.ip, port: 1 };
        const outcome = await settleOutcome(pair.a.sendStream(dead, ping(1, "x"), { timeoutMs: 500, expectReply: true }), pair.advance);
        expect(outcome.ok).toBe(false);
      }),
    );

    test(
      "rejects a stream whose peer never replies, within the timeout",
      withPair(async (pair) => {
        pair.b.setHandlers({ onPacketMessage: () => {}, onStreamMessage: () => new Promise(() => {}) });
        const outcome = await settleOutcome(pair.a.sendStream(pair.b.localAddress, pushPull(false, 1), { timeoutMs: 300, expectReply: true }), pair.advance);
        expect(outcome.ok).toBe(false);
      }),
    );

    test(
      "counts packets, bytes and streams on both sides",
      withPair(async (pair, inbox) => {
        const a0 = pair.a.stats();
        const b0 = pair.b.stats();
        pair.a.sendPacket(pair.b.localAddress, [ping(1, "b")]);
        pair.a.sendPacket(pair.b.localAddress, [ping(2, "b"), user(30)]);
        await waitUntil(() => inbox.length === 3, pair.advance, "three packet messages at b");
        await settle(pair.a.sendStream(pair.b.localAddress, pushPull(false, 1), { timeoutMs: 2000, expectReply: true }), pair.advance);
        const a1 = pair.a.stats();
        const b1 = pair.b.stats();
        expect(a1.packetsSent - a0.packetsSent).toBe(2);
        expect(b1.packetsReceived - b0.packetsReceived).toBe(2);
        expect(a1.bytesSent).toBeGreaterThan(a0.bytesSent);
        expect(b1.bytesReceived).toBeGreaterThan(b0.bytesReceived);
        expect(a1.streamsOpened - a0.streamsOpened).toBe(1);
        expect(b1.streamsAccepted - b0.streamsAccepted).toBe(1);
        expect(b1.packetsDropped).toBe(b0.packetsDropped);
      }),
    );

    test(
      "after close: sending never throws, nothing more is delivered, streams reject",
      withPair(async (pair, inbox) => {
        await pair.b.close();
        expect(() => pair.a.sendPacket(pair.b.localAddress, [ping(1, "b")])).not.toThrow();
        const toClosed = await settleOutcome(pair.a.sendStream(pair.b.localAddress, ping(2, "b"), { timeoutMs: 300, expectReply: true }), pair.advance);
        expect(toClosed.ok).toBe(false);
        await pair.a.close();
        expect(() => pair.a.sendPacket(pair.b.localAddress, [ping(3, "b")])).not.toThrow();
        const fromClosed = await settleOutcome(pair.a.sendStream(pair.b.localAddress, ping(4, "b"), { timeoutMs: 300, expectReply: true }), pair.advance);
        expect(fromClosed.ok).toBe(false);
        await drain(pair.advance, 200);
        expect(inbox.length).toBe(0);
      }),
    );
  });
}

function recordingHandlers(inbox: Received[]): GossipNetHandlers {
  return {
    onPacketMessage: (msg, from) => void inbox.push({ msg, from }),
    onStreamMessage: async (msg, from) => {
      inbox.push({ msg, from });
      if (msg.type === "ping") return { type: "ack", seqNo: msg.seqNo, payload: new Uint8Array() };
      if (msg.type === "pushPull") {
        const nodes = [0, 1].map((i) => nodeState(`b-${i}`, i + 1));
        return { type: "pushPull", join: false, nodes, userState: new Uint8Array([9, 8, 7]) };
      }
      return undefined;
    },
  };
}

function ping(seqNo: number, node: string): PingMessage {
  return { type: "ping", seqNo, node };
}

function alive(node: string, incarnation: number): AliveMessage {
  return { type: "alive", incarnation, node, addr: "127.0.0.1", port: 7946, meta: new Uint8Array([255, 1, 2]), vsn: [1, 5, 2, 2, 5, 5] };
}

function user(sizeBytes: number): UserMessage {
  return { type: "user", payload: new Uint8Array(sizeBytes).fill(7) };
}

function nodeState(name: string, incarnation: number): PushNodeState {
  return { name, addr: "127.0.0.1", port: 7946, meta: new Uint8Array(), incarnation, state: 0, vsn: [1, 5, 2, 2, 5, 5] };
}

function pushPull(join: boolean, count: number): PushPullMessage {
  const nodes = Array.from({ length: count }, (_, i) => nodeState(`node-${i}`, i));
  return { type: "pushPull", join, nodes, userState: new Uint8Array([1, 2, 3]) };
}

async function waitUntil(cond: () => boolean, advance: ((ms: number) => Promise<void>) | undefined, what: string): Promise<void> {
  let waited = 0;
  while (!cond()) {
    if (waited >= WAIT_LIMIT_MS) throw new Error(`timed out after ${WAIT_LIMIT_MS} ms waiting for ${what}`);
    await step(advance, 5);
    waited += 5;
  }
}

async function settleOutcome<T>(promise: Promise<T>, advance: ((ms: number) => Promise<void>) | undefined): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  promise.then(
    (value) => void (outcome = { ok: true, value }),
    (error: unknown) => void (outcome = { ok: false, error }),
  );
  await waitUntil(() => outcome !== undefined, advance, "a stream to settle");
  return outcome!;
}

async function settle<T>(promise: Promise<T>, advance: ((ms: number) => Promise<void>) | undefined): Promise<T> {
  const outcome = await settleOutcome(promise, advance);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

async function drain(advance: ((ms: number) => Promise<void>) | undefined, ms: number): Promise<void> {
  for (let waited = 0; waited < ms; waited += 5) await step(advance, 5);
}

function step(advance: ((ms: number) => Promise<void>) | undefined, ms: number): Promise<void> {
  if (advance) return advance(ms);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
