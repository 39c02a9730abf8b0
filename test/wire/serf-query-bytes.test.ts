import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SerfQueryMessage } from "../../src/cluster/serf-messages.ts";
import { QueryFilterMatcher } from "../../src/cluster/serf-query-filters.ts";
import { encodeConflictResponse, decodeFilter, decodeKeyRequest, decodeKeyResponse, encodeKeyRequest, encodeKeyResponse, encodeNodeFilter, encodeTagFilter } from "../../src/cluster/serf-query-wire.ts";
import { decodeSerfMessage, encodeSerfMessage, type SerfMessage } from "../../src/cluster/serf-wire.ts";
import { createUdpTcpGossipNet, type UdpTcpGossipNet } from "../../src/membership/udp-tcp-net.ts";
import { createKeyring } from "../../src/membership/wire/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { toHex } from "./hex.ts";
import { type SerfAgent, serfAvailable, startSerf, waitFor } from "./serf-agent.ts";
import { FAKE, FAKE_TAGS, fakeNodeHandlers, fakePushPull, type Received, VSN } from "./serf-fake-node.ts";
import { MsgpackReader, type MsgValue } from "../../src/membership/wire/msgpack-reader.ts";

/** A decoded msgpack value as plain data (maps as sorted objects, bytes as hex). */
function plain(v: MsgValue): unknown {
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), plain(x)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

/**
 * Queries against the real serf: our query bytes make serf ack, answer (its query handler) and
 * relay; serf's acks, responses, relays, key responses and its own key-list query (with its
 * key request) decode and re-encode with our codec to serf's exact bytes.
 */
const KEY = Buffer.from("T9jncgl9mbLus+baTTa7q7nPSUN1ulRTPzZDQpiaqsE=", "base64");

describe.skipIf(!serfAvailable())("serf queries: serf's own bytes re-encode identically", () => {
  let serf: SerfAgent;
  let net: UdpTcpGossipNet;
  const inbox: Received[] = [];
  const dir = mkdtempSync(join(tmpdir(), "satellite-query-bytes-"));

  beforeAll(async () => {
    const handler = join(dir, "echo.sh");
    writeFileSync(handler, "#!/bin/sh\nread line\necho \"got $line\"\n");
    chmodSync(handler, 0o755);
    serf = await startSerf({ name: "s1", keyringKeys: [KEY.toString("base64")], extraArgs: [`-event-handler=query:echo=${handler}`] });
    net = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: true, keyring: createKeyring([KEY]), logger: silentLogger, clock: systemClock });
    net.setHandlers(fakeNodeHandlers(net, FAKE, inbox));
    await net.sendStream(serf.bind, fakePushPull(net, FAKE, true), { timeoutMs: 5000, expectReply: true });
    await waitFor(async () => (await serf.members()).some((m) => m.name === FAKE && m.status === "alive"), 5000, "serf to list the fake node alive");
  });

  afterAll(async () => {
    await net?.close();
    await serf?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** serf messages we received as user messages, with their bytes. */
  const received = (): { msg: SerfMessage; bytes: Uint8Array }[] =>
    inbox.flatMap((r) => (r.msg.type === "user" ? [{ msg: decodeSerfMessage(r.msg.payload), bytes: r.msg.payload }] : []));

  const query = (name: string, payload: Uint8Array, ltime: number, relayFactor = 0): SerfQueryMessage => ({
    type: "query",
    ltime,
    id: 4242 + ltime,
    addr: net.localAddress.ip,
    port: net.localAddress.port,
    sourceNode: FAKE,
    filters: [],
    flags: 1,
    relayFactor,
    timeoutNs: 5e9,
    name,
    payload,
  });

  test("our query is acked and answered by serf's handler, directly and relayed; every message re-encodes byte for byte", async () => {
    net.sendPacket(serf.bind, [{ type: "user", payload: encodeSerfMessage(query("echo", new TextEncoder().encode("hi\n"), 5, 1)) }]);
    const about = (ltime: number) => received().filter(({ msg }) => (msg.type === "queryResponse" && msg.ltime === ltime) || (msg.type === "relay" && decodeSerfMessage(msg.message).type === "queryResponse"));
    await waitFor(() => about(5).filter(({ msg }) => msg.type === "queryResponse").length >= 2 && received().some(({ msg }) => msg.type === "relay"), 8000, "serf's ack, response and a relay");
    const msgs = about(5);
    const response = msgs.find(({ msg }) => msg.type === "queryResponse" && msg.flags === 0)?.msg;
    expect(response?.type === "queryResponse" && new TextDecoder().decode(response.payload)).toBe("got hi\n");
    expect(msgs.some(({ msg }) => msg.type === "queryResponse" && msg.flags === 1 && msg.from === "s1")).toBe(true);
    for (const { bytes } of received()) expect(toHex(encodeSerfMessage(decodeSerfMessage(bytes)))).toBe(toHex(bytes));
  });

  test("serf's list-keys answer (nodeKeyResponse) re-encodes byte for byte", async () => {
    net.sendPacket(serf.bind, [{ type: "user", payload: encodeSerfMessage(query("_serf_list-keys", encodeKeyRequest(new Uint8Array()), 9)) }]);
    await waitFor(() => received().some(({ msg }) => msg.type === "queryResponse" && msg.ltime === 9 && msg.flags === 0), 8000, "serf's key list");
    const answer = received().find(({ msg }) => msg.type === "queryResponse" && msg.ltime === 9 && msg.flags === 0)?.msg;
    if (answer?.type !== "queryResponse") throw new Error("no answer");
    expect(decodeKeyResponse(answer.payload)).toEqual({ result: true, message: "", keys: [KEY.toString("base64")], primaryKey: KEY.toString("base64") });
    expect(toHex(encodeKeyResponse(decodeKeyResponse(answer.payload)))).toBe(toHex(answer.payload));
  });

  test("serf query with -node and -tag filters: the query and its filters re-encode byte for byte, and we pass them", async () => {
    const p = Bun.spawn(["serf", "query", `-rpc-addr=${serf.rpcAddr}`, "-timeout=500ms", "-node", FAKE, "-node", "s1", "-tag", "role=^sat", "filtered", "x"], { stdout: "ignore", stderr: "ignore" });
    await waitFor(() => received().some(({ msg }) => msg.type === "query" && msg.name === "filtered"), 8000, "serf's filtered query");
    await p.exited;
    const { msg, bytes } = received().find(({ msg }) => msg.type === "query" && msg.name === "filtered")!;
    if (msg.type !== "query") throw new Error("not a query");
    expect(toHex(encodeSerfMessage(msg))).toBe(toHex(bytes));
    const filters = msg.filters.map(decodeFilter);
    expect(filters).toEqual([{ type: "node", nodes: [FAKE, "s1"] }, { type: "tag", tag: "role", expr: "^sat" }]);
    expect(msg.filters.map(toHex)).toEqual([toHex(encodeNodeFilter([FAKE, "s1"])), toHex(encodeTagFilter("role", "^sat"))]);
    expect(new QueryFilterMatcher().check(msg.filters, FAKE, FAKE_TAGS)).toEqual({ pass: true });
    expect(new QueryFilterMatcher().check(msg.filters, FAKE, { role: "web" }).pass).toBe(false);
  });

  test("serf's _serf_conflict answer about us holds the fields and values our conflict answer writes", async () => {
    net.sendPacket(serf.bind, [{ type: "user", payload: encodeSerfMessage(query("_serf_conflict", new TextEncoder().encode(FAKE), 13)) }]);
    await waitFor(() => received().some(({ msg }) => msg.type === "queryResponse" && msg.ltime === 13 && msg.flags === 0), 8000, "serf's conflict answer");
    const answer = received().find(({ msg }) => msg.type === "queryResponse" && msg.ltime === 13 && msg.flags === 0)?.msg;
    if (answer?.type !== "queryResponse") throw new Error("no answer");
    const ours = encodeConflictResponse({ name: FAKE, addr: net.localAddress.ip, port: net.localAddress.port, tags: FAKE_TAGS, status: "alive", vsn: VSN });
    expect(answer.payload[0]).toBe(ours[0] as number);
    // Go writes the tag map in random order: compare decoded values, the struct field by field.
    expect(plain(new MsgpackReader(answer.payload, 1).read())).toEqual(plain(new MsgpackReader(ours, 1).read()));
  });

  test("serf keys -list reaches us as serf's query with its key request; both re-encode byte for byte", async () => {
    const p = Bun.spawn(["serf", "keys", `-rpc-addr=${serf.rpcAddr}`, "-list"], { stdout: "ignore", stderr: "ignore" });
    await waitFor(() => received().some(({ msg }) => msg.type === "query" && msg.name === "_serf_list-keys" && msg.sourceNode === "s1"), 8000, "serf's list-keys query");
    p.kill();
    const { msg, bytes } = received().find(({ msg }) => msg.type === "query" && msg.name === "_serf_list-keys")!;
    if (msg.type !== "query") throw new Error("not a query");
    expect(toHex(encodeSerfMessage(msg))).toBe(toHex(bytes));
    expect(toHex(encodeKeyRequest(decodeKeyRequest(msg.payload)))).toBe(toHex(msg.payload));
  });
});
