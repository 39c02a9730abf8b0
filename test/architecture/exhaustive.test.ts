import { describe, expect, test } from "bun:test";
import type { GossipMessage } from "../../src/membership/messages.ts";
import type { SerfMessage } from "../../src/cluster/serf-wire.ts";
import { assertNever } from "../../src/platform/assert-never.ts";

/*
 * The type checker (tsc --noEmit) is the real test here: each `@ts-expect-error` below marks a
 * switch that forgets one member of a real union, and tsc fails if that line is NOT an error,
 * i.e. if assertNever stopped catching the forgotten case.
 */

function handledGossipTypes(msg: GossipMessage): string {
  switch (msg.type) {
    case "ping":
    case "indirectPing":
    case "ack":
    case "nack":
    case "alive":
    case "suspect":
    case "dead":
    case "user":
    case "err":
      return msg.type;
    default:
      // @ts-expect-error "pushPull" is not handled, so msg is not never here.
      return assertNever(msg, "gossip message");
  }
}

function handledSerfTypes(msg: SerfMessage): string {
  switch (msg.type) {
    case "leave":
    case "join":
    case "pushPull":
    case "userEvent":
    case "query":
    case "queryResponse":
    case "relay":
      return msg.type;
    default:
      // @ts-expect-error "other" is not handled, so msg is not never here.
      return assertNever(msg, "serf message");
  }
}

describe("assertNever", () => {
  test("a value the types did not foresee reaches the default and throws, naming it", () => {
    expect(() => handledGossipTypes({ type: "pushPull", join: false, nodes: [], userState: new Uint8Array() })).toThrow(
      'unexpected gossip message: {"type":"pushPull"',
    );
    expect(() => handledSerfTypes({ type: "other", serfType: 99, body: new Uint8Array() })).toThrow("unexpected serf message");
  });

  test("handled members pass through", () => {
    expect(handledGossipTypes({ type: "nack", seqNo: 1 })).toBe("nack");
    expect(handledSerfTypes({ type: "join", ltime: 1, node: "a" })).toBe("join");
  });
});
