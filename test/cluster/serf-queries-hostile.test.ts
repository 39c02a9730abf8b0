import { describe, expect, test } from "bun:test";
import { LamportClock } from "../../src/cluster/serf-lamport.ts";
import type { SerfMember } from "../../src/cluster/serf-members.ts";
import type { SerfQueryMessage, SerfQueryResponseMessage } from "../../src/cluster/serf-messages.ts";
import { SerfQueries } from "../../src/cluster/serf-queries.ts";
import { encodeNodeFilter, encodeTagFilter } from "../../src/cluster/serf-query-wire.ts";
import { defaultQueriesConfig } from "../../src/cluster/serf-query-limits.ts";
import { decodeSerfMessage, encodeSerfMessage } from "../../src/cluster/serf-wire.ts";
import type { NetAddress } from "../../src/membership/gossip-net.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

const PEER: SerfMember = { name: "peer", addr: "10.0.0.2", port: 7946, tags: {}, status: "alive" };
const OTHER: SerfMember = { name: "other", addr: "10.0.0.3", port: 7946, tags: {}, status: "alive" };

/** One node's query engine over recorded sends; "me" at 10.0.0.1 with tag role=web. */
function engine() {
  const sent: { to: NetAddress; bytes: Uint8Array }[] = [];
  const broadcast: Uint8Array[] = [];
  const clock = new ManualClock(0);
  const queryClock = new LamportClock();
  const queries = new SerfQueries({
    config: defaultQueriesConfig("me", 200, 100),
    clock,
    random: createSeededRandom(1),
    logger: silentLogger,
    codec: { encode: encodeSerfMessage, decode: decodeSerfMessage },
    queryClock,
    broadcast: (b) => void broadcast.push(b),
    sendTo: (to, bytes) => void sent.push({ to, bytes }),
    members: () => [{ name: "me", addr: "10.0.0.1", port: 7946, tags: { role: "web" }, status: "alive" }, PEER, OTHER],
    numMembers: () => 3,
    localTags: () => ({ role: "web" }),
    localAddress: () => ({ ip: "10.0.0.1", port: 7946 }),
    isRunning: () => true,
  });
  let answered = 0;
  queries.answerQuery("q", async () => {
    answered++;
    return new TextEncoder().encode("answer");
  });
  const replies = () => sent.map((s) => ({ to: `${s.to.ip}:${s.to.port}`, msg: decodeSerfMessage(s.bytes) }));
  return { queries, sent, broadcast, clock, queryClock, replies, answered: () => answered };
}

function query(overrides: Partial<SerfQueryMessage> = {}): SerfQueryMessage {
  return { type: "query", ltime: 3, id: 77, addr: PEER.addr, port: PEER.port, sourceNode: PEER.name, filters: [], flags: 1, relayFactor: 0, timeoutNs: 5e9, name: "q", payload: new Uint8Array(), ...overrides };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("received queries are hostile until checked", () => {
  test("an honest query from a member is acked and answered to the member's address, and rebroadcast once", async () => {
    const e = engine();
    expect(e.queries.handleQuery(query(), 100)).toBe(true);
    expect(e.queries.handleQuery(query(), 100)).toBe(false);
    await flush();
    expect(e.replies().map((r) => [r.to, r.msg.type === "queryResponse" ? r.msg.flags : -1])).toEqual([["10.0.0.2:7946", 1], ["10.0.0.2:7946", 0]]);
    expect(e.answered()).toBe(1);
  });

  test("relay factor: the ack and the answer also go, wrapped in a relay to the source, through that many other live members", async () => {
    const e = engine();
    e.queries.handleQuery(query({ relayFactor: 2 }), 100);
    await flush();
    const relays = e.replies().filter((r) => r.msg.type === "relay");
    expect(relays).toHaveLength(4);
    expect(new Set(relays.map((r) => r.to))).toEqual(new Set(["10.0.0.2:7946", "10.0.0.3:7946"]));
    for (const r of relays) expect(r.msg).toMatchObject({ destAddr: PEER.addr, destPort: PEER.port, destName: PEER.name });
    expect(e.replies().filter((r) => r.msg.type === "queryResponse")).toHaveLength(2);
  });

  test.each([
    ["a source that is no member", { sourceNode: "stranger" }],
    ["a member's name at another address (reflection)", { addr: "192.0.2.66" }],
    ["a member's name at another port", { port: 9999 }],
  ])("%s gets nothing sent, though the query still spreads", async (_label, overrides) => {
    const e = engine();
    expect(e.queries.handleQuery(query(overrides), 100)).toBe(true);
    await flush();
    expect(e.sent).toEqual([]);
    expect(e.answered()).toBe(0);
    expect(e.queries.drops.unknown_source).toBe(1);
  });

  test("a query over 1024 bytes or with an LTime far ahead is dropped and counted, not witnessed", () => {
    const e = engine();
    expect(e.queries.handleQuery(query(), 1025)).toBe(false);
    expect(e.queries.handleQuery(query({ ltime: 2 ** 21 }), 100)).toBe(false);
    expect(e.queries.drops).toMatchObject({ oversized: 1, implausible_ltime: 1 });
    expect(e.queryClock.time()).toBe(0);
  });

  test("ids per LTime are bounded: the 65th distinct id at one LTime is dropped", () => {
    const e = engine();
    for (let id = 0; id < 64; id++) expect(e.queries.handleQuery(query({ id, flags: 0, filters: [encodeNodeFilter(["nobody"])] }), 100)).toBe(true);
    expect(e.queries.handleQuery(query({ id: 64, flags: 0 }), 100)).toBe(false);
  });

  test("filters: a node list without us, a tag that does not match, a malformed or unknown filter: no ack, no answer", async () => {
    const e = engine();
    const cases = [[encodeNodeFilter(["x"])], [encodeTagFilter("role", "^db$")], [new Uint8Array([1, 0xc1])], [new Uint8Array([7])], [encodeTagFilter("role", "(")]];
    cases.forEach((filters, i) => e.queries.handleQuery(query({ id: i, filters }), 100));
    expect(e.queries.handleQuery(query({ id: 99, filters: [encodeNodeFilter(["x", "me"]), encodeTagFilter("role", "we")] }), 100)).toBe(true);
    await flush();
    expect(e.answered()).toBe(1);
  });

  test("a response for no running query, or with a wrong id, is dropped; a relay goes only to a live member at its address", () => {
    const e = engine();
    const resp: SerfQueryResponseMessage = { type: "queryResponse", ltime: 9, id: 1, from: "peer", flags: 0, payload: new Uint8Array() };
    e.queries.handleResponse(resp);
    expect(e.queries.drops.unexpected_response).toBe(1);
    const inner = encodeSerfMessage(resp);
    e.queries.handleRelay({ type: "relay", destAddr: "192.0.2.66", destPort: 7946, destName: "peer", message: inner });
    e.queries.handleRelay({ type: "relay", destAddr: OTHER.addr, destPort: OTHER.port, destName: "other", message: encodeSerfMessage(query()) });
    expect(e.sent).toEqual([]);
    expect(e.queries.drops.relay_refused).toBe(2);
    e.queries.handleRelay({ type: "relay", destAddr: OTHER.addr, destPort: OTHER.port, destName: "other", message: inner });
    expect(e.replies().map((r) => r.to)).toEqual(["10.0.0.3:7946"]);
  });

  test("our query: responses are collected once per member, bounded in size, and the query ends at its timeout", async () => {
    const e = engine();
    const pending = e.queries.query({ name: "x", payload: new Uint8Array(), timeoutMs: 1000 });
    const [sentQuery] = e.broadcast.map((b) => decodeSerfMessage(b));
    if (sentQuery?.type !== "query") throw new Error("no query gossiped");
    const respond = (from: string, size: number) => e.queries.handleResponse({ type: "queryResponse", ltime: sentQuery.ltime, id: sentQuery.id, from, flags: 0, payload: new Uint8Array(size) });
    respond("peer", 10);
    respond("peer", 20);
    respond("other", 2000);
    respond("bad\u0000name", 5);
    await e.clock.advance(1000);
    const result = await pending;
    expect(result.responses.map((r) => [r.from, r.payload.length])).toEqual([["peer", 10]]);
    expect(e.queries.drops).toMatchObject({ oversized: 1, unexpected_response: 1 });
  });
});
