import type { GossipMessage } from "../membership/messages.ts";
import { formatAddress, type GossipNet, type GossipNetHandlers, type NetAddress } from "../membership/gossip-net.ts";
import { SatelliteError } from "../platform/errors.ts";
import { isSatelliteMessage, type SatelliteMessage } from "./probe-sync-messages.ts";
import { decodeSatelliteMessage, encodeSatelliteMessage } from "./probe-sync-wire.ts";

/** Where Satellite's own messages go; everything else reaches memberlist and serf untouched. */
export interface SatelliteMessageHandlers {
  /** A Satellite message that came in a packet. Called from the receive path: must not block. */
  onPacket(payload: Uint8Array, from: NetAddress): void;
  /** A Satellite request that came over a stream: the reply's payload, or undefined for none. */
  onRequest(payload: Uint8Array, from: NetAddress): Promise<Uint8Array | undefined>;
}

/** Satellite messages whose first byte is within [first, last] go to `handlers` (the key-value store's, 0xd8..0xdd). */
export interface SatelliteMessageRoute {
  first: number;
  last: number;
  handlers: SatelliteMessageHandlers;
}

/** Dispatches by first byte: a route's range to its handlers, everything else to `fallback` (probe sync). */
export function routeSatelliteMessages(fallback: SatelliteMessageHandlers, routes: readonly SatelliteMessageRoute[]): SatelliteMessageHandlers {
  if (routes.length === 0) return fallback;
  const pick = (payload: Uint8Array) => routes.find((r) => (payload[0] ?? -1) >= r.first && (payload[0] ?? -1) <= r.last)?.handlers ?? fallback;
  return {
    onPacket: (payload, from) => pick(payload).onPacket(payload, from),
    onRequest: (payload, from) => pick(payload).onRequest(payload, from),
  };
}

/**
 * Sends an already encoded Satellite request (first byte in Satellite's range) over a stream and
 * resolves with the reply's payload, or undefined when the peer answered with no user message.
 */
export async function satelliteRequestBytes(net: GossipNet, to: NetAddress, payload: Uint8Array, timeoutMs: number): Promise<Uint8Array | undefined> {
  const reply = await net.sendStream(to, { type: "user", payload }, { timeoutMs, expectReply: true });
  return reply?.type === "user" && isSatelliteMessage(reply.payload) ? reply.payload : undefined;
}

/**
 * The gossip net as the serf layer sees it, with Satellite's messages taken out on the way in:
 * user messages whose first byte is in Satellite's range (see probe-sync-messages.ts) go to
 * `handlers`, the rest to memberlist as before. Same port, same framing, same keyring; a
 * request over a stream gets its reply on the same stream, as a user message.
 */
export function withSatelliteMessages(net: GossipNet, handlers: SatelliteMessageHandlers): GossipNet {
  return {
    get localAddress() {
      return net.localAddress;
    },
    get packetBudgetBytes() {
      return net.packetBudgetBytes;
    },
    setHandlers(inner: GossipNetHandlers) {
      net.setHandlers({
        onPacketMessage(msg, from, receivedAtMs) {
          if (msg.type === "user" && isSatelliteMessage(msg.payload)) handlers.onPacket(msg.payload, from);
          else inner.onPacketMessage(msg, from, receivedAtMs);
        },
        async onStreamMessage(msg, from): Promise<GossipMessage | undefined> {
          if (msg.type !== "user" || !isSatelliteMessage(msg.payload)) return inner.onStreamMessage(msg, from);
          const reply = await handlers.onRequest(msg.payload, from);
          return reply ? { type: "user", payload: reply } : undefined;
        },
      });
    },
    encodedSize: (msg) => net.encodedSize(msg),
    sendPacket: (to, msgs) => net.sendPacket(to, msgs),
    sendStream: (to, msg, options) => net.sendStream(to, msg, options),
    stats: () => net.stats(),
    close: () => net.close(),
  };
}

/**
 * Sends a Satellite request to `to` over a stream and returns the decoded reply; rejects on a
 * refused or timed-out stream, a missing reply or one that is not a valid Satellite message.
 */
export async function satelliteRequest(
  net: GossipNet,
  to: NetAddress,
  request: SatelliteMessage,
  timeoutMs: number,
  /** Told the payload sizes of the request and of the reply (for byte counters). */
  onBytes?: (sent: number, received: number) => void,
): Promise<SatelliteMessage> {
  const payload = encodeSatelliteMessage(request);
  const reply = await net.sendStream(to, { type: "user", payload }, { timeoutMs, expectReply: true });
  onBytes?.(payload.length, reply?.type === "user" ? reply.payload.length : 0);
  if (reply?.type !== "user" || !isSatelliteMessage(reply.payload)) {
    throw new SatelliteError("satellite_request_bad_reply", `${formatAddress(to)} answered a ${request.type} with ${reply?.type ?? "nothing"}`, {
      hint: "the peer may run an older Satellite or no Satellite at all on that port",
    });
  }
  return decodeSatelliteMessage(reply.payload);
}
