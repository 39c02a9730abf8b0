import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeTags } from "../../src/cluster/serf-wire.ts";
import type { AckMessage, GossipMessage, PushPullMessage } from "../../src/membership/messages.ts";
import { createKeyring, decodePacket, decryptPayload, encodePacket, formatKeyringFile, type Keyring, parseKeyringFile } from "../../src/membership/wire/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { secureRandomBytes } from "../../src/platform/secure-random.ts";
import { createUdpTcpGossipNet, type UdpTcpGossipNet } from "../../src/membership/udp-tcp-net.ts";
import { type SerfAgent, serfAvailable, startSerf, waitFor } from "./serf-agent.ts";
import { FAKE, fakeNodeHandlers, fakePushPull, nextPacket, type Received } from "./serf-fake-node.ts";

/** The same exchanges as serf-interop.test.ts with serf started from a keyring file (AES-GCM). */
const serfKey = createKeyring([secureRandomBytes(32)]);
const keyringJson = formatKeyringFile(serfKey);
const isAck = (seqNo: number) => (m: GossipMessage): m is AckMessage => m.type === "ack" && m.seqNo === seqNo;

if (!serfAvailable()) console.warn("SKIP encrypted serf interop: the `serf` binary is not installed");

describe.skipIf(!serfAvailable())("interop with the real serf agent (encrypted keyring)", () => {
  let serf: SerfAgent;
  const nets: UdpTcpGossipNet[] = [];
  let net: UdpTcpGossipNet;
  const inbox: Received[] = [];

  const makeNet = async (keyring: Keyring | undefined, into: Received[], name: string): Promise<UdpTcpGossipNet> => {
    const n = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: true, keyring, logger: silentLogger, clock: systemClock });
    n.setHandlers(fakeNodeHandlers(n, name, into));
    nets.push(n);
    return n;
  };
  const ping = (from: UdpTcpGossipNet, seqNo: number): GossipMessage => ({
    type: "ping",
    seqNo,
    node: "s1",
    sourceAddr: from.localAddress.ip,
    sourcePort: from.localAddress.port,
    sourceNode: FAKE,
  });
  const decryptFailures = (): number => serf.log().split("Decrypt packet failed").length - 1;

  beforeAll(async () => {
    serf = await startSerf({ name: "s1", tags: { role: "db" }, keyringKeys: JSON.parse(keyringJson) as string[] });
    // serf prints its settings (Encrypted: ...) just after "Serf agent running!", which startSerf waits for.
    await waitFor(() => serf.log().includes("Encrypted: "), 5000, "serf to print whether it encrypts", () => serf.log());
    expect(serf.log()).toContain("Encrypted: true");
    net = await makeNet(parseKeyringFile(keyringJson, "test keyring"), inbox, FAKE);
  });

  afterAll(async () => {
    for (const n of nets) await n.close();
    await serf?.stop();
  });

  test("an encrypted ping is acked; serf's answer is encryption version 1 (no padding)", async () => {
    net.sendPacket(serf.bind, [ping(net, 301)]);
    await nextPacket(inbox, isAck(301), "serf's encrypted ack");
    // The same over a raw socket to look at serf's bytes.
    const replies: Uint8Array[] = [];
    const sock = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0, binaryType: "uint8array", socket: { data: (_s, d) => void replies.push(d) } });
    try {
      const request = encodePacket([{ type: "ping", seqNo: 302, node: "s1" }], { compression: false, crc: false, keyring: serfKey, random: secureRandomBytes });
      sock.send(request, serf.bind.port, serf.bind.ip);
      await waitFor(() => replies.length > 0, 5000, "serf's raw encrypted reply");
      const raw = replies[0] as Uint8Array;
      expect(raw[0]).toBe(1);
      expect(raw.length).toBe(decryptPayload(serfKey, raw).length + 29);
      expect(decodePacket(raw, { keyring: serfKey }).messages).toContainEqual(expect.objectContaining({ type: "ack", seqNo: 302 }));
    } finally {
      sock.close();
    }
  });

  test("an encrypted TCP ping is answered with an encrypted ack", async () => {
    const ack = await net.sendStream(serf.bind, { type: "ping", seqNo: 303, node: "s1" }, { timeoutMs: 5000, expectReply: true });
    expect(ack).toMatchObject({ type: "ack", seqNo: 303 });
  });

  test("an encrypted push/pull join works both ways and serf lists our node", async () => {
    const reply = (await net.sendStream(serf.bind, fakePushPull(net, FAKE, true), { timeoutMs: 5000, expectReply: true })) as PushPullMessage;
    const s1 = reply.nodes.find((n) => n.name === "s1");
    expect({ ...decodeTags(s1?.meta ?? new Uint8Array()) }).toEqual({ role: "db" });
    await waitFor(async () => (await serf.members()).some((m) => m.name === FAKE && m.status === "alive"), 5000, "serf to list the fake node", serf.log);
    // serf's own probes reach us encrypted and we decrypt them.
    await nextPacket(inbox, (m): m is GossipMessage => m.type === "ping" && m.node === FAKE, "serf's encrypted probe");
  });

  test("`serf join` to our encrypted net: serf's encrypted, compressed push/pull is read and answered", async () => {
    const joinInbox: Received[] = [];
    await makeNet(parseKeyringFile(keyringJson), joinInbox, "fake3").then(async (third) => {
      const p = Bun.spawn(["serf", "join", `-rpc-addr=${serf.rpcAddr}`, `127.0.0.1:${third.localAddress.port}`], { stdout: "pipe", stderr: "pipe" });
      await p.exited;
      expect(p.exitCode).toBe(0);
      expect(joinInbox.some((r) => r.msg.type === "pushPull" && r.msg.join)).toBe(true);
      expect(third.stats().streamsAccepted).toBe(1);
      expect(third.stats().streamsFailed).toBe(0);
      await waitFor(async () => (await serf.members()).some((m) => m.name === "fake3" && m.status === "alive"), 5000, "serf to list fake3", serf.log);
    });
  });

  test("serf started with -encrypt=<base64> (the same key) talks to us too", async () => {
    const s2 = await startSerf({ name: "s2", encryptKey: Buffer.from(serfKey.keys[0] as Uint8Array).toString("base64") });
    try {
      await waitFor(() => s2.log().includes("Encrypted: "), 5000, "serf to print whether it encrypts", () => s2.log());
      expect(s2.log()).toContain("Encrypted: true");
      net.sendPacket(s2.bind, [{ type: "ping", seqNo: 501, node: "s2", sourceAddr: net.localAddress.ip, sourcePort: net.localAddress.port, sourceNode: FAKE }]);
      await nextPacket(inbox, isAck(501), "the -encrypt serf's ack");
      const reply = (await net.sendStream(s2.bind, fakePushPull(net, FAKE, true), { timeoutMs: 5000, expectReply: true })) as PushPullMessage;
      expect(reply.nodes.some((n) => n.name === "s2")).toBe(true);
    } finally {
      await s2.stop();
    }
  }, 15_000);

  test("a node with the wrong key is ignored by serf and cannot push/pull", async () => {
    const wrongInbox: Received[] = [];
    const wrong = await makeNet(createKeyring([secureRandomBytes(32)]), wrongInbox, "intruder");
    const before = decryptFailures();
    wrong.sendPacket(serf.bind, [ping(wrong, 401)]);
    await waitFor(() => decryptFailures() > before, 5000, "serf to log the failed decryption", serf.log);
    expect(wrongInbox.some((r) => r.msg.type === "ack")).toBe(false);
    await expect(wrong.sendStream(serf.bind, fakePushPull(wrong, "intruder", true), { timeoutMs: 2000, expectReply: true })).rejects.toBeDefined();
    expect((await serf.members()).some((m) => m.name === "intruder")).toBe(false);
  });

  test("a plaintext node is ignored by serf", async () => {
    const plainInbox: Received[] = [];
    const plain = await makeNet(undefined, plainInbox, "plain");
    const before = decryptFailures();
    plain.sendPacket(serf.bind, [{ type: "nack", seqNo: 1 }]);
    await waitFor(() => decryptFailures() > before, 5000, "serf to reject the plaintext packet", serf.log);
    await expect(plain.sendStream(serf.bind, fakePushPull(plain, "plain", true), { timeoutMs: 2000, expectReply: true })).rejects.toBeDefined();
  });
});
