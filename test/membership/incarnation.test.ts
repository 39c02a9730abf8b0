import { describe, expect, test } from "bun:test";
import { Awareness } from "../../src/membership/awareness.ts";
import { BroadcastQueue } from "../../src/membership/broadcast-queue.ts";
import { lanConfig } from "../../src/membership/config-presets.ts";
import { INCARNATION_MAX, isPlausibleIncarnation, nextIncarnation, refutingIncarnation } from "../../src/membership/incarnation.ts";
import { checkAliveClaim, isUsableAddress, isValidNodeName } from "../../src/membership/member-claims.ts";
import { MemberTable } from "../../src/membership/member-table.ts";
import type { AliveMessage, GossipMessage } from "../../src/membership/messages.ts";
import { decodeMessage, encodeMessage } from "../../src/membership/wire/message-codec.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

describe("incarnation arithmetic", () => {
  test.each([
    [1, 0, 2],
    [1, 7, 8],
    [9, 3, 10],
    [INCARNATION_MAX - 1, INCARNATION_MAX - 1, INCARNATION_MAX],
    [5, INCARNATION_MAX, INCARNATION_MAX],
    [INCARNATION_MAX, INCARNATION_MAX, INCARNATION_MAX],
  ])("refuting own %d against accused %d gives %d", (own, accused, want) => {
    expect(refutingIncarnation(own, accused)).toBe(want);
  });

  test("next incarnation stops at the u32 maximum", () => {
    expect(nextIncarnation(3)).toBe(4);
    expect(nextIncarnation(INCARNATION_MAX)).toBe(INCARNATION_MAX);
  });

  test.each([
    [10, 10, true],
    [10, 1034, true],
    [10, 1035, false],
    [10, INCARNATION_MAX, false],
  ])("known %d, claimed %d within 1024: %p", (known, claimed, want) => {
    expect(isPlausibleIncarnation(known, claimed, 1024)).toBe(want);
  });
});

describe("incarnations at the codec", () => {
  function tableAt(ownIncarnation: number) {
    let table: MemberTable | undefined;
    const broadcasts = new BroadcastQueue<GossipMessage>({ retransmitMult: 4, numNodes: () => table?.size() ?? 1, maxQueued: 100 });
    table = new MemberTable({
      config: lanConfig("me"),
      clock: new ManualClock(),
      random: createSeededRandom(1),
      logger: silentLogger,
      awareness: new Awareness(8),
      broadcasts,
      encodedSize: (m) => encodeMessage(m).length,
      events: undefined,
    });
    table.aliveNode(alive("me", ownIncarnation), "local");
    broadcasts.clear();
    return { table, sent: () => broadcasts.take(0, 100_000).items };
  }

  test("a refutation at the top of the range still encodes, and peers decode it", () => {
    const { table, sent } = tableAt(INCARNATION_MAX - 1);
    // A push/pull reply we asked for is believed however far ahead it is.
    table.mergeRemote([{ name: "me", addr: "10.0.0.2", port: 7946, meta: new Uint8Array(), incarnation: INCARNATION_MAX, state: 1, vsn: [1, 5, 2, 2, 5, 5] }], "reply");
    const [refutation] = sent();
    expect(refutation).toMatchObject({ type: "alive", node: "me", incarnation: INCARNATION_MAX });
    expect(decodeMessage(encodeMessage(refutation!))).toMatchObject({ type: "alive", incarnation: INCARNATION_MAX });
  });

  test("an incarnation beyond u32 is refused at the sender", () => {
    expect(() => encodeMessage({ ...alive("x", 1), incarnation: INCARNATION_MAX + 1 })).toThrow(/does not fit the wire's uint32/);
    expect(() => encodeMessage({ type: "suspect", incarnation: 2 ** 32, node: "x", from: "y" })).toThrow(/uint32/);
  });

  test("a forged suspicion at 2^32-1 about us is dropped, not refuted; one within the window is", () => {
    const { table, sent } = tableAt(3);
    table.suspectNode({ type: "suspect", incarnation: INCARNATION_MAX, node: "me", from: "x" });
    expect(sent()).toEqual([]);
    expect(table.rejected.implausible_incarnation).toBe(1);
    table.suspectNode({ type: "suspect", incarnation: 3 + 1024, node: "me", from: "x" });
    const [refutation] = sent();
    expect(refutation).toMatchObject({ type: "alive", incarnation: 3 + 1025 });
    expect(decodeMessage(encodeMessage(refutation!))).toMatchObject({ incarnation: 3 + 1025 });
  });
});

describe("member claims", () => {
  test.each([
    ["node-1", true],
    ["web.example.com", true],
    ["", false],
    ["a".repeat(255), true],
    ["a".repeat(256), false],
    ["é".repeat(128), false],
    ["nul\u0000", false],
    ["esc\u001b[31m", false],
    ["c1\u009b", false],
    ["del\u007f", false],
  ])("node name %j valid: %p", (name, want) => {
    expect(isValidNodeName(name)).toBe(want);
  });

  test.each([
    ["10.0.0.1", true],
    ["::1", true],
    ["", false],
    ["0.0.0.0", false],
    ["::", false],
    ["255.255.255.255", false],
    ["224.0.0.1", false],
    ["ff02::1", false],
    ["host.example", false],
  ])("address %j usable: %p", (ip, want) => {
    expect(isUsableAddress(ip)).toBe(want);
  });

  test("each field of an alive is checked", () => {
    const limits = { metaMaxBytes: 512, validateMeta: (m: Uint8Array) => (m[0] === 0xee ? "bad tags" : undefined) };
    expect(checkAliveClaim(alive("ok", 1), limits)).toBeUndefined();
    expect(checkAliveClaim({ ...alive("ok", 1), port: 0 }, limits)).toBe("invalid_port");
    expect(checkAliveClaim({ ...alive("ok", 1), meta: new Uint8Array(513) }, limits)).toBe("invalid_meta");
    expect(checkAliveClaim({ ...alive("ok", 1), meta: Uint8Array.of(0xee) }, limits)).toBe("invalid_meta");
    expect(checkAliveClaim({ ...alive("ok", 1), vsn: [3, 2, 2, 2, 5, 5] }, limits)).toBe("invalid_version");
    expect(checkAliveClaim({ ...alive("ok", 1), vsn: [0, 0, 0, 0, 0, 0] }, limits)).toBeUndefined();
  });
});

function alive(node: string, incarnation: number): AliveMessage {
  return { type: "alive", incarnation, node, addr: "10.0.0.2", port: 7946, meta: new Uint8Array(), vsn: [1, 5, 2, 2, 5, 5] };
}
