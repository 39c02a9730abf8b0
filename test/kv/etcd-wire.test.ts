import { describe, expect, test } from "bun:test";
import { keyAfter, parseRangeAnswer, parseWatchLine, prefixRangeEnd, utf8 } from "../../src/kv/etcd-wire.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const bounds = { keyBytesMax: 64, valueBytesMax: 16 };
const EP = "http://127.0.0.1:2379";

describe("prefixRangeEnd", () => {
  test.each([
    [[0x61], [0x62]],
    [[0x2f, 0x61, 0xff], [0x2f, 0x62]],
    [[0xff, 0xff], [0x00]],
    [[0x2f, 0xfe], [0x2f, 0xff]],
  ])("%p -> %p", (prefix, end) => {
    expect([...prefixRangeEnd(Uint8Array.from(prefix))]).toEqual(end);
  });

  test("keyAfter appends one zero byte", () => {
    expect([...keyAfter(utf8("ab"))]).toEqual([0x61, 0x62, 0]);
  });
});

describe("parseRangeAnswer", () => {
  test("entries decoded, revisions as decimal text, missing fields as etcd leaves them out", () => {
    const text = JSON.stringify({ header: { revision: "7" }, kvs: [{ key: b64("/p/a"), value: b64("v"), mod_revision: "5" }, { key: b64("/p/b"), mod_revision: "6" }], more: true, count: "3" });
    const answer = parseRangeAnswer(EP, text, 10, bounds);
    expect(answer.revision).toBe("7");
    expect(answer.more).toBe(true);
    expect(answer.kvs.map((kv) => [Buffer.from(kv.key).toString(), Buffer.from(kv.value).toString(), kv.modRevision])).toEqual([["/p/a", "v", "5"], ["/p/b", "", "6"]]);
  });

  test("no kvs: an empty range", () => {
    expect(parseRangeAnswer(EP, JSON.stringify({ header: { revision: "1" } }), 1, bounds).kvs).toEqual([]);
  });

  test.each([
    ["not JSON", "<html>", "not JSON"],
    ["no header", JSON.stringify({ kvs: [] }), "no header"],
    ["revision not decimal", JSON.stringify({ header: { revision: "-1" } }), "header.revision is not a revision"],
    ["revision a number", JSON.stringify({ header: { revision: 5 } }), "header.revision is not a revision"],
    ["more entries than asked", JSON.stringify({ header: { revision: "1" }, kvs: [{ key: b64("a"), mod_revision: "1" }, { key: b64("b"), mod_revision: "1" }] }), "2 entries where at most 1"],
    ["value over the bound", JSON.stringify({ header: { revision: "1" }, kvs: [{ key: b64("a"), value: b64("x".repeat(40)), mod_revision: "1" }] }), "a value is not base64 of at most 16 bytes"],
    ["key not base64", JSON.stringify({ header: { revision: "1" }, kvs: [{ key: "%%%", mod_revision: "1" }] }), "a key is not base64"],
    ["kvs not a list", JSON.stringify({ header: { revision: "1" }, kvs: {} }), "kvs is not a list"],
  ])("%s -> refused naming the endpoint", (_name, text, message) => {
    expect(() => parseRangeAnswer(EP, text, 1, bounds)).toThrow(`etcd at ${EP} sent an answer Satellite cannot use: ${message}`);
  });
});

describe("parseWatchLine", () => {
  const line = (result: unknown) => JSON.stringify({ result });
  test("created, events (PUT left out, DELETE named), progress, compacted, canceled, error", () => {
    expect(parseWatchLine(EP, line({ header: { revision: "9" }, created: true }), 10, 64)).toEqual({ kind: "created", revision: "9" });
    expect(parseWatchLine(EP, line({ header: { revision: "11" }, events: [{ kv: { key: b64("/p/a"), mod_revision: "10" } }, { type: "DELETE", kv: { key: b64("/p/b"), mod_revision: "11" } }] }), 10, 64)).toEqual({
      kind: "events",
      revision: "11",
      fragment: false,
      events: [
        { type: "put", key: utf8("/p/a"), modRevision: "10" },
        { type: "delete", key: utf8("/p/b"), modRevision: "11" },
      ],
    });
    expect(parseWatchLine(EP, line({ header: { revision: "12" } }), 10, 64)).toEqual({ kind: "progress", revision: "12" });
    expect(parseWatchLine(EP, line({ header: { revision: "12" }, compact_revision: "8", canceled: true }), 10, 64)).toEqual({ kind: "compacted", compactRevision: "8" });
    expect(parseWatchLine(EP, line({ header: { revision: "12" }, canceled: true, cancel_reason: "gone" }), 10, 64)).toEqual({ kind: "canceled", reason: "gone" });
    expect(parseWatchLine(EP, JSON.stringify({ error: { message: "no leader" } }), 10, 64)).toEqual({ kind: "canceled", reason: "no leader" });
  });

  test.each([
    ["unknown event type", line({ header: { revision: "1" }, events: [{ type: "MERGE", kv: { key: b64("a"), mod_revision: "1" } }] }), "unknown type"],
    ["too many events", line({ header: { revision: "1" }, events: [{ kv: { key: b64("a"), mod_revision: "1" } }, { kv: { key: b64("b"), mod_revision: "1" } }] }), "2 watch events in one message, over 1"],
    ["event without kv", line({ header: { revision: "1" }, events: [{}] }), "has no kv"],
    ["no result", JSON.stringify({}), "has no result"],
  ])("%s -> refused", (_name, text, message) => {
    expect(() => parseWatchLine(EP, text, 1, 64)).toThrow(message);
  });
});
