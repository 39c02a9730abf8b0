import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { decodeAckPayload, decodeSerfMessage, decodeTags, encodeSerfMessage, type SerfMessage } from "../../src/cluster/serf-wire.ts";
import type { AckMessage, GossipMessage, PushPullMessage } from "../../src/membership/messages.ts";
import { decodePacket, encodePacket, encodeStream, encodeStreamBody, lzwCompress, lzwDecompress, memorySource, MsgpackReader, readStreamMessage } from "../../src/membership/wire/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { createUdpTcpGossipNet, type UdpTcpGossipNet } from "../../src/membership/udp-tcp-net.ts";
import { type SerfAgent, serfAvailable, startSerf, waitFor } from "./serf-agent.ts";
import { FAKE, FAKE_TAGS, fakeNodeHandlers, fakePushPull, nextPacket, rawExchange, type Received, VSN } from "./serf-fake-node.ts";

// Each wait on serf below is bounded (5 s) and says what it waited for; the test's own timeout
// must leave room for that message instead of cutting the wait off at bun's 5 s default.
setDefaultTimeout(15_000);

/**
 * Talks to the real Debian serf binary (0.9.4, protocol 5) from our GossipNet over loopback:
 * packets, streams, compression, indirect probes, intents. Encrypted variant: serf-interop-encrypted.test.ts.
 */

if (!serfAvailable()) console.warn("SKIP serf interop: the `serf` binary is not installed (scripts/install-test-deps.sh installs it)");

/** Every serf message we received as memberlist user messages (decoding errors fail the test). */
function serfMessages(inbox: Received[]): SerfMessage[] {
  return inbox.flatMap((r) => (r.msg.type === "user" ? [decodeSerfMessage(r.msg.payload)] : []));
}

const isAck = (seqNo: number) => (m: GossipMessage): m is AckMessage => m.type === "ack" && m.seqNo === seqNo;

describe.skipIf(!serfAvailable())("interop with the real serf agent (plaintext)", () => {
  let serf: SerfAgent;
  let net: UdpTcpGossipNet;
  const inbox: Received[] = [];

  beforeAll(async () => {
    serf = await startSerf({ name: "s1", tags: { role: "web", dc: "lab" } });
    net = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: true, logger: silentLogger, clock: systemClock });
    net.setHandlers(fakeNodeHandlers(net, FAKE, inbox));
  });

  afterAll(async () => {
    await net?.close();
    await serf?.stop();
  });

  const ping = (seqNo: number): GossipMessage => ({
    type: "ping",
    seqNo,
    node: "s1",
    sourceAddr: net.localAddress.ip,
    sourcePort: net.localAddress.port,
    sourceNode: FAKE,
  });

  test("a UDP ping gets serf's ack carrying a valid Vivaldi coordinate", async () => {
    net.sendPacket(serf.bind, [ping(101)]);
    const ack = await nextPacket(inbox, isAck(101), "serf's ack to ping 101");
    const coord = decodeAckPayload(ack.payload);
    expect(coord?.vec.length).toBe(8);
    expect(coord?.height).toBeGreaterThan(0);
  });

  test("CRC-prefixed packets (memberlist's form toward protocol-5 peers) are accepted", async () => {
    // A gossip packet from the net: carries the CRC once serf is known to speak protocol 5.
    net.setPeerProtocolMax(serf.bind, 5);
    const event = encodeSerfMessage({ type: "userEvent", ltime: 5, name: "crc-event", payload: new Uint8Array(0), cc: false });
    net.sendPacket(serf.bind, [{ type: "user", payload: event }]);
    await waitFor(() => serf.log().includes("crc-event"), 5000, "serf to accept the CRC gossip packet", serf.log);
    net.setPeerProtocolMax(serf.bind, 0);
    // A ping with a CRC, sent raw: serf acks it as well.
    const replies: Uint8Array[] = [];
    const sock = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0, binaryType: "uint8array", socket: { data: (_s, d) => void replies.push(d) } });
    try {
      const packet = encodePacket([{ type: "ping", seqNo: 102, node: "s1" }], { compression: false, crc: true });
      expect(packet[0]).toBe(12);
      sock.send(packet, serf.bind.port, serf.bind.ip);
      await waitFor(() => replies.length > 0, 5000, "serf's ack to the CRC ping");
      expect(decodePacket(replies[0] as Uint8Array, {}).messages).toContainEqual(expect.objectContaining({ type: "ack", seqNo: 102 }));
    } finally {
      sock.close();
    }
  });

  test("a TCP ping (memberlist's fallback probe) is answered with an ack on the stream", async () => {
    const ack = await net.sendStream(serf.bind, { type: "ping", seqNo: 104, node: "s1" }, { timeoutMs: 5000, expectReply: true });
    expect(ack).toMatchObject({ type: "ack", seqNo: 104 });
  });

  test("TCP push/pull join: serf answers with itself and its tags, then lists our node alive", async () => {
    const reply = (await net.sendStream(serf.bind, fakePushPull(net, FAKE, true), { timeoutMs: 5000, expectReply: true })) as PushPullMessage;
    expect(reply.type).toBe("pushPull");
    const s1 = reply.nodes.find((n) => n.name === "s1");
    expect(s1).toMatchObject({ addr: "127.0.0.1", port: serf.bind.port, state: 0, vsn: VSN });
    expect({ ...decodeTags(s1?.meta ?? new Uint8Array()) }).toEqual({ role: "web", dc: "lab" });
    const state = decodeSerfMessage(reply.userState);
    expect(state.type).toBe("pushPull");
    if (state.type === "pushPull") expect(state.statusLTimes.has("s1")).toBe(true);
    await waitFor(
      async () => (await serf.members()).some((m) => m.name === FAKE && m.status === "alive" && m.tags.role === "satellite"),
      5000,
      "serf members to list the fake node alive",
      serf.log,
    );
    const fake = (await serf.members()).find((m) => m.name === FAKE);
    expect(fake).toMatchObject({ addr: `127.0.0.1:${net.localAddress.port}`, port: net.localAddress.port, tags: FAKE_TAGS });
  });

  test("serf probes our node and our acks keep it alive", async () => {
    await nextPacket(inbox, (m): m is GossipMessage => m.type === "ping" && m.node === FAKE, "serf's probe of the fake node");
    await waitFor(() => serf.log().includes("EventMemberJoin: fake"), 3000, "serf to log the join", serf.log);
    expect(serf.log()).not.toContain("Suspect fake");
  });

  test("indirect ping through serf: the ack is relayed back; a dead target yields a nack", async () => {
    const base = { sourceAddr: net.localAddress.ip, sourcePort: net.localAddress.port, sourceNode: FAKE };
    net.sendPacket(serf.bind, [{ type: "indirectPing", seqNo: 201, targetAddr: "127.0.0.1", targetPort: net.localAddress.port, node: FAKE, nack: true, ...base }]);
    await nextPacket(inbox, isAck(201), "the ack serf relays for indirect ping 201");
    net.sendPacket(serf.bind, [{ type: "indirectPing", seqNo: 202, targetAddr: "127.0.0.1", targetPort: 1, node: "ghost", nack: true, ...base }]);
    await nextPacket(inbox, (m): m is GossipMessage => m.type === "nack" && m.seqNo === 202, "serf's nack for the dead target");
  });

  test("a compressed compound packet (ping + serf user events) is acked and the events delivered", async () => {
    const events: GossipMessage[] = Array.from({ length: 6 }, (_, i) => ({
      type: "user",
      payload: encodeSerfMessage({ type: "userEvent", ltime: 10 + i, name: `wire-test-${i}`, payload: new TextEncoder().encode("same payload ".repeat(4)), cc: false }),
    }));
    net.sendPacket(serf.bind, [ping(103), ...events]);
    await nextPacket(inbox, isAck(103), "serf's ack to the compressed compound ping");
    await waitFor(() => serf.log().includes("wire-test-5"), 3000, "serf to receive the user events", serf.log);
  });

  test("serf's LZW stream output is byte-identical to ours (large push/pull with table resets)", async () => {
    const random = createSeededRandom(42);
    const parts: GossipMessage[] = [];
    for (let i = 0; i < 40; i++) {
      const payload = Uint8Array.from({ length: 400 }, () => 32 + random.int(90));
      parts.push({ type: "user", payload: encodeSerfMessage({ type: "userEvent", ltime: 100 + i, name: `bulk-${i}`, payload, cc: false }) });
    }
    for (let i = 0; i < parts.length; i += 3) net.sendPacket(serf.bind, parts.slice(i, i + 3));
    await waitFor(() => serf.log().includes("bulk-39"), 5000, "serf to receive the bulk events", serf.log);
    const raw = await rawExchange(serf.bind, encodeStream({ type: "pushPull", join: false, nodes: [], userState: new Uint8Array(0) }, { compression: false }));
    expect(raw[0]).toBe(9);
    const wrapper = new MsgpackReader(raw, 1).read() as Map<string, unknown>;
    const goLzw = wrapper.get("Buf") as Uint8Array;
    const plain = lzwDecompress(goLzw, 1 << 24);
    expect(plain.length).toBeGreaterThan(12000);
    expect(Buffer.from(lzwCompress(plain)).equals(Buffer.from(goLzw))).toBe(true);
    const reply = (await readStreamMessage(memorySource(raw), {})) as PushPullMessage;
    // The push/pull body (header, node states, user state) re-encodes to serf's exact bytes.
    expect(Buffer.from(encodeStreamBody(reply)).equals(Buffer.from(plain))).toBe(true);
    const state = decodeSerfMessage(reply.userState);
    expect(state.type === "pushPull" && state.events.some((e) => e.events.some((ev) => ev.name === "bulk-39" && ev.payload.length === 400))).toBe(true);
  });

  test("`serf join` to our net: serf's push/pull arrives over TCP, our reply makes it list a second node", async () => {
    const joinInbox: Received[] = [];
    const second = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: true, logger: silentLogger, clock: systemClock });
    try {
      second.setHandlers(fakeNodeHandlers(second, "fake2", joinInbox));
      const p = Bun.spawn(["serf", "join", `-rpc-addr=${serf.rpcAddr}`, `127.0.0.1:${second.localAddress.port}`], { stdout: "pipe", stderr: "pipe" });
      await p.exited;
      expect(p.exitCode).toBe(0);
      const pp = joinInbox.map((r) => r.msg).find((m): m is PushPullMessage => m.type === "pushPull");
      expect(pp?.join).toBe(true);
      expect(pp?.nodes.some((n) => n.name === "s1" && n.port === serf.bind.port)).toBe(true);
      expect(decodeSerfMessage(pp?.userState ?? new Uint8Array()).type).toBe("pushPull");
      await waitFor(async () => (await serf.members()).some((m) => m.name === "fake2" && m.status === "alive"), 5000, "serf to list fake2", serf.log);
    } finally {
      await second.close();
    }
  });

  test("a `serf event` reaches us as a serf userEvent inside serf's gossip packets", async () => {
    const p = Bun.spawn(["serf", "event", `-rpc-addr=${serf.rpcAddr}`, "deploy", "v42"], { stdout: "pipe", stderr: "pipe" });
    await p.exited;
    expect(p.exitCode).toBe(0);
    await waitFor(() => serfMessages(inbox).some((m) => m.type === "userEvent" && m.name === "deploy"), 5000, "serf's user event");
    const ev = serfMessages(inbox).find((m) => m.type === "userEvent" && m.name === "deploy");
    expect(ev?.type === "userEvent" && new TextDecoder().decode(ev.payload)).toBe("v42");
  });

  test("a `serf query` reaches us and our queryResponse shows up in serf's answer", async () => {
    const p = Bun.spawn(["serf", "query", `-rpc-addr=${serf.rpcAddr}`, "-timeout=1s", "-format=json", "who", "are you"], { stdout: "pipe", stderr: "pipe" });
    let answered = false;
    await waitFor(
      () => {
        const q = serfMessages(inbox).find((m) => m.type === "query" && m.name === "who");
        if (q?.type === "query" && !answered) {
          answered = true;
          expect(q.sourceNode).toBe("s1");
          expect(new TextDecoder().decode(q.payload)).toBe("are you");
          const to = { ip: q.addr, port: q.port };
          const respond = (flags: number, payload: Uint8Array): void =>
            net.sendPacket(to, [{ type: "user", payload: encodeSerfMessage({ type: "queryResponse", ltime: q.ltime, id: q.id, from: FAKE, flags, payload }) }]);
          if (q.flags & 1) respond(1, new Uint8Array(0));
          respond(0, new TextEncoder().encode("a satellite"));
        }
        return answered;
      },
      5000,
      "serf's query",
    );
    const out = JSON.parse(await new Response(p.stdout).text()) as { Acks: string[]; Responses: Record<string, string> };
    await p.exited;
    expect(out.Responses[FAKE]).toBe("a satellite");
    expect(out.Acks).toContain(FAKE);
  });

  test("leave intent then dead{From: self}: serf lists our node as left", async () => {
    const leave = encodeSerfMessage({ type: "leave", ltime: 50, node: FAKE, prune: false });
    net.sendPacket(serf.bind, [{ type: "user", payload: leave }, { type: "dead", incarnation: 1, node: FAKE, from: FAKE }]);
    await waitFor(async () => (await serf.members()).some((m) => m.name === FAKE && m.status === "left"), 5000, "serf to list the node as left", serf.log);
  });
});
