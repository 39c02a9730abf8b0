import { encodeAckPayload, encodeSerfMessage, encodeTags, zeroCoordinate } from "../../src/cluster/serf-wire.ts";
import type { GossipNetHandlers, NetAddress } from "../../src/membership/gossip-net.ts";
import type { GossipMessage, PushPullMessage } from "../../src/membership/messages.ts";
import type { UdpTcpGossipNet } from "../../src/membership/udp-tcp-net.ts";
import { waitFor } from "./serf-agent.ts";

/** A fake serf node played by our GossipNet, for interop tests against the real serf binary. */
export const FAKE = "fake";
export const VSN: [number, number, number, number, number, number] = [1, 5, 2, 2, 5, 5];
export const FAKE_TAGS = { role: "satellite", dc: "lab" };

export interface Received {
  msg: GossipMessage;
  from: NetAddress;
}

/** Plays node `name`: acks serf's probes (with a coordinate) and answers its push/pulls. */
export function fakeNodeHandlers(net: UdpTcpGossipNet, name: string, inbox: Received[]): GossipNetHandlers {
  return {
    onPacketMessage(msg, from) {
      inbox.push({ msg, from });
      if (msg.type === "ping" && msg.node === name) {
        const to = msg.sourceAddr && msg.sourcePort ? { ip: msg.sourceAddr, port: msg.sourcePort } : from;
        net.sendPacket(to, [{ type: "ack", seqNo: msg.seqNo, payload: encodeAckPayload(zeroCoordinate()) }]);
      }
    },
    async onStreamMessage(msg, from) {
      inbox.push({ msg, from });
      if (msg.type === "ping") return { type: "ack", seqNo: msg.seqNo, payload: new Uint8Array(0) };
      if (msg.type === "pushPull") return fakePushPull(net, name, false);
      return undefined;
    },
  };
}

export function fakePushPull(net: UdpTcpGossipNet, name: string, join: boolean): PushPullMessage {
  return {
    type: "pushPull",
    join,
    nodes: [{ name, addr: net.localAddress.ip, port: net.localAddress.port, meta: encodeTags(FAKE_TAGS), incarnation: 1, state: 0, vsn: VSN }],
    userState: encodeSerfMessage({ type: "pushPull", ltime: 1, statusLTimes: new Map([[name, 1]]), leftMembers: [], eventLTime: 1, events: [], queryLTime: 1 }),
  };
}

export async function nextPacket<T extends GossipMessage>(inbox: Received[], match: (m: GossipMessage) => m is T, what: string): Promise<T> {
  let found: T | undefined;
  await waitFor(
    () => {
      found = inbox.map((r) => r.msg).find(match);
      return found !== undefined;
    },
    5000,
    what,
  );
  return found as T;
}

/** Writes `request` on a fresh TCP connection and returns every byte the peer sends until it closes. */
export async function rawExchange(to: NetAddress, request: Uint8Array): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let closed = false;
  const socket = await Bun.connect({
    hostname: to.ip,
    port: to.port,
    socket: {
      binaryType: "uint8array",
      data: (_s, d) => void chunks.push(d),
      close: () => void (closed = true),
      end: () => void (closed = true),
    },
  });
  socket.write(request);
  await waitFor(() => closed, 5000, "the peer to answer and close the stream");
  return Buffer.concat(chunks);
}
