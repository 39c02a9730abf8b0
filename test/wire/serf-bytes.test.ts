import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeSerfMessage, encodeSerfMessage, encodeTags } from "../../src/cluster/serf-wire.ts";
import {
  crc32,
  decodeMessage,
  encodeMessage,
  encodePacket,
  lzwCompress,
  lzwDecompress,
  MessageType,
  MsgpackReader,
  splitCompound,
} from "../../src/membership/wire/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createUdpTcpGossipNet, type UdpTcpGossipNet } from "../../src/membership/udp-tcp-net.ts";
import { toHex } from "./hex.ts";
import { type SerfAgent, serfAvailable, startSerf, waitFor } from "./serf-agent.ts";
import { VSN } from "./serf-fake-node.ts";

/**
 * Byte-exactness against the real serf: a raw UDP "tap" node joins serf, answers its probes,
 * and records every packet serf sends it. Each message inside (through LZW and compounds) is
 * decoded and re-encoded with our codec, which must reproduce serf's bytes exactly.
 */
if (!serfAvailable()) console.warn("SKIP serf byte comparison: the `serf` binary is not installed");

let crcPackets = 0;

interface Part {
  bytes: Uint8Array;
}

function unwrap(buf: Uint8Array, out: Part[], lzwChecks: { same: number; total: number }): void {
  const t = buf[0];
  if (t === MessageType.hasCrc) {
    expect(new DataView(buf.buffer, buf.byteOffset).getUint32(1)).toBe(crc32(buf.subarray(5)));
    crcPackets++;
    unwrap(buf.subarray(5), out, lzwChecks);
  } else if (t === MessageType.compound) {
    for (const p of splitCompound(buf.subarray(1)).parts) unwrap(p, out, lzwChecks);
  } else if (t === MessageType.compress) {
    const goLzw = (new MsgpackReader(buf, 1).read() as Map<string, Uint8Array>).get("Buf") as Uint8Array;
    const plain = lzwDecompress(goLzw, 1 << 20);
    lzwChecks.total++;
    if (Buffer.from(lzwCompress(plain)).equals(Buffer.from(goLzw))) lzwChecks.same++;
    unwrap(plain, out, lzwChecks);
  } else {
    out.push({ bytes: buf });
  }
}

describe.skipIf(!serfAvailable())("serf's own bytes re-encode identically", () => {
  let serf: SerfAgent;
  let net: UdpTcpGossipNet;
  let tap: import("bun").udp.Socket<"uint8array">;
  const packets: Uint8Array[] = [];

  beforeAll(async () => {
    serf = await startSerf({ name: "s1", tags: { role: "web" } });
    net = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: true, logger: silentLogger, clock: systemClock });
    tap = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      binaryType: "uint8array",
      socket: {
        data: (s, data, port, addr) => {
          packets.push(data);
          // Answer probes so serf keeps the tap alive.
          const parts: Part[] = [];
          unwrap(data, parts, { same: 0, total: 0 });
          for (const p of parts) {
            if (p.bytes[0] !== MessageType.ping) continue;
            const ping = decodeMessage(p.bytes);
            if (ping.type === "ping") s.send(encodePacket([{ type: "ack", seqNo: ping.seqNo, payload: new Uint8Array(0) }], { compression: false, crc: false }), port, addr);
          }
        },
      },
    });
  });

  afterAll(async () => {
    tap?.close();
    await net?.close();
    await serf?.stop();
  });

  test("pings, acks, alives, user events and queries from serf round-trip byte for byte", async () => {
    const userState = encodeSerfMessage({ type: "pushPull", ltime: 1, statusLTimes: new Map([["tap", 1]]), leftMembers: [], eventLTime: 1, events: [], queryLTime: 1 });
    await net.sendStream(
      serf.bind,
      { type: "pushPull", join: true, nodes: [{ name: "tap", addr: "127.0.0.1", port: tap.port, meta: encodeTags({ role: "tap" }), incarnation: 1, state: 0, vsn: VSN }], userState },
      { timeoutMs: 5000, expectReply: true },
    );
    tap.send(encodePacket([{ type: "ping", seqNo: 77, node: "s1" }], { compression: false, crc: false }), serf.bind.port, serf.bind.ip);
    const ev = Bun.spawn(["serf", "event", `-rpc-addr=${serf.rpcAddr}`, "deploy", "v1"], { stdout: "ignore", stderr: "ignore" });
    await ev.exited;
    const q = Bun.spawn(["serf", "query", `-rpc-addr=${serf.rpcAddr}`, "-timeout=500ms", "-no-ack", "who", "x"], { stdout: "ignore", stderr: "ignore" });
    await q.exited;
    const kinds = (): Set<string> => {
      const parts: Part[] = [];
      for (const p of packets) unwrap(p, parts, { same: 0, total: 0 });
      return new Set(parts.map((p) => (p.bytes[0] === MessageType.user ? `serf:${p.bytes[1]}` : `ml:${p.bytes[0]}`)));
    };
    // A probe goes out bare unless broadcasts are queued to ride on it: wait for a bare one too.
    const barePing = () => packets.some((p) => p[0] === MessageType.ping);
    await waitFor(() => barePing() && ["ml:0", "ml:2", "ml:4", "serf:3", "serf:4"].every((k) => kinds().has(k)), 8000, "serf to send pings (one bare), acks, alives, an event and a query", () => [...kinds()].join(","));

    const parts: Part[] = [];
    const lzw = { same: 0, total: 0 };
    for (const p of packets) unwrap(p, parts, lzw);
    let compared = 0;
    for (const { bytes } of parts) {
      if (bytes[0] === MessageType.user) {
        const m = decodeSerfMessage(bytes.subarray(1));
        if (m.type === "pushPull") continue;
        expect(toHex(encodeSerfMessage(m))).toBe(toHex(bytes.subarray(1)));
      } else {
        expect(toHex(encodeMessage(decodeMessage(bytes)))).toBe(toHex(bytes));
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
    expect(lzw.same).toBe(lzw.total);
    // serf adds the CRC to gossip toward protocol-5 nodes, but not to its probes.
    expect(crcPackets).toBeGreaterThan(0);
    expect(barePing()).toBe(true);
  }, 20_000);
});
