import { describe, expect, test } from "bun:test";
import type { GossipMessage, PushPullMessage } from "../../src/membership/messages.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { secureRandomBytes } from "../../src/platform/secure-random.ts";
import {
  createKeyring,
  encodeStream,
  encodeStreamBody,
  memorySource,
  MessageType,
  readStreamMessage,
  StreamBuffer,
  WireError,
} from "../../src/membership/wire/index.ts";
import { hx, toHex } from "./hex.ts";

const ring = createKeyring([new Uint8Array(16).fill(1)]);
const vsn = [1, 5, 2, 2, 5, 5] as [number, number, number, number, number, number];

const pushPull: PushPullMessage = {
  type: "pushPull",
  join: true,
  nodes: [
    { name: "a", addr: "127.0.0.1", port: 7946, meta: Uint8Array.from([0xff, 0x80]), incarnation: 1, state: 0, vsn },
    { name: "b", addr: "::1", port: 7947, meta: new Uint8Array(0), incarnation: 9, state: 3, vsn },
  ],
  userState: Uint8Array.from([2, 0x86, 1, 2, 3]),
};

const streamMessages: GossipMessage[] = [
  pushPull,
  { type: "pushPull", join: false, nodes: [], userState: new Uint8Array(0) },
  { type: "ping", seqNo: 1, node: "x" },
  { type: "ack", seqNo: 1, payload: new Uint8Array(0) },
  { type: "err", error: "nope" },
  { type: "user", payload: Uint8Array.from([4, 5, 6]) },
];

describe("stream codec", () => {
  test("pushPull body framing: header, node states, raw user state", () => {
    const body = encodeStreamBody({ type: "pushPull", join: true, nodes: [], userState: Uint8Array.from([9, 9]) });
    expect(toHex(body)).toBe(toHex(hx(`06 83 a4"Join" c3 a5"Nodes" 00 ac"UserStateLen" 02 09 09`)));
  });

  test("user message over a stream carries a UserMsgLen header", () => {
    expect(toHex(encodeStreamBody({ type: "user", payload: Uint8Array.from([1]) }))).toBe(toHex(hx(`08 81 aa"UserMsgLen" 01 01`)));
  });

  test("round trips with every option combination", async () => {
    for (const compression of [false, true]) {
      for (const keyring of [undefined, ring]) {
        for (const m of streamMessages) {
          const bytes = encodeStream(m, { compression, keyring, random: secureRandomBytes });
          if (keyring) expect(bytes[0]).toBe(MessageType.encrypt);
          expect(await readStreamMessage(memorySource(bytes), { keyring })).toEqual(m);
        }
      }
    }
  });

  test("encrypted stream length field covers version+nonce+ct+tag", () => {
    const bytes = encodeStream(pushPull, { compression: false, keyring: ring, random: secureRandomBytes });
    expect(new DataView(bytes.buffer).getUint32(1)).toBe(bytes.length - 5);
  });

  test("reads a message arriving one byte at a time", async () => {
    const clock = new ManualClock();
    const buf = new StreamBuffer(clock, 10_000, 20 * 1024 * 1024);
    const bytes = encodeStream(pushPull, { compression: false });
    const reading = readStreamMessage(buf, {});
    for (const b of bytes) {
      buf.push(Uint8Array.of(b));
      await Promise.resolve();
    }
    expect(await reading).toEqual(pushPull);
  });

  test("times out on a stalled peer", async () => {
    const clock = new ManualClock();
    const buf = new StreamBuffer(clock, 1000, 1024);
    buf.push(Uint8Array.of(6, 0x83));
    const reading = readStreamMessage(buf, {});
    await clock.advance(1001);
    await expect(reading).rejects.toMatchObject({ code: "GOSSIP_STREAM_TIMEOUT" });
  });

  test("a peer closing early is an error", async () => {
    const buf = new StreamBuffer(new ManualClock(), 1000, 1024);
    const bytes = encodeStream(pushPull, { compression: false });
    buf.push(bytes.subarray(0, 20));
    buf.end();
    await expect(readStreamMessage(buf, {})).rejects.toBeInstanceOf(WireError);
  });

  test("size limits: encrypted length, declared user state, declared string", async () => {
    const enc = Uint8Array.of(10, 0xff, 0xff, 0xff, 0xff);
    await expect(readStreamMessage(memorySource(enc), { keyring: ring })).rejects.toMatchObject({ reason: "too_large" });
    const huge = hx(`06 83 a5"Nodes" 00 ac"UserStateLen" ce7fffffff a4"Join" c3`);
    await expect(readStreamMessage(memorySource(huge), {})).rejects.toMatchObject({ reason: "too_large" });
    const bigStr = hx(`0d 81 a5"Error" db 7fffffff`);
    const buf = new StreamBuffer(new ManualClock(), 1000, 1024);
    buf.push(bigStr);
    await expect(readStreamMessage(buf, {})).rejects.toMatchObject({ reason: "too_large" });
  });

  test("plaintext rejected when encrypted; encrypted rejected without a keyring", async () => {
    await expect(readStreamMessage(memorySource(encodeStream(pushPull, { compression: true })), { keyring: ring })).rejects.toMatchObject({
      reason: "not_encrypted",
    });
    const sealed = encodeStream(pushPull, { compression: true, keyring: ring, random: secureRandomBytes });
    await expect(readStreamMessage(memorySource(sealed), {})).rejects.toBeInstanceOf(WireError);
    const wrong = createKeyring([new Uint8Array(16).fill(2)]);
    await expect(readStreamMessage(memorySource(sealed), { keyring: wrong })).rejects.toMatchObject({ reason: "decrypt_failed" });
  });
});
