import { SatelliteError } from "../platform/errors.ts";
import { formatAddress, type GossipNet, type GossipNetHandlers, type GossipNetStats, type NetAddress } from "./gossip-net.ts";
import type { GossipMessage } from "./messages.ts";
import type { SimNetwork } from "./sim-net.ts";

/** One node's GossipNet on a SimNetwork. */
export class SimGossipNet implements GossipNet {
  readonly localAddress: NetAddress;
  readonly packetBudgetBytes: number;
  private handlers: GossipNetHandlers | undefined;
  private closed = false;
  private readonly counters: GossipNetStats = {
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    packetsDropped: 0,
    streamsOpened: 0,
    streamsAccepted: 0,
  };

  constructor(
    private readonly network: SimNetwork,
    address: NetAddress,
  ) {
    this.localAddress = { ...address };
    this.packetBudgetBytes = network.packetBudgetBytes;
  }

  setHandlers(handlers: GossipNetHandlers): void {
    this.handlers = handlers;
  }

  encodedSize(msg: GossipMessage): number {
    return this.network.encodedSize(msg);
  }

  sendPacket(to: NetAddress, msgs: readonly GossipMessage[]): void {
    if (this.closed || msgs.length === 0) return;
    let payload: readonly GossipMessage[] | Uint8Array = msgs;
    let size = msgs.length > 1 ? 2 + 2 * msgs.length : 0;
    if (this.network.wire) {
      try {
        payload = this.network.wire.encodePacket(msgs);
      } catch {
        this.counters.packetsDropped++;
        return;
      }
      size = payload.length;
    } else {
      for (const msg of msgs) size += this.network.encodedSize(msg);
    }
    this.counters.packetsSent++;
    this.counters.bytesSent += size;
    this.network.routePacket(this.localAddress, to, payload, size);
  }

  sendStream(to: NetAddress, msg: GossipMessage, options: { timeoutMs: number; expectReply: boolean }): Promise<GossipMessage | undefined> {
    const target = formatAddress(to);
    if (this.closed) {
      return Promise.reject(new SatelliteError("net_closed", `cannot open a stream to ${target}: this node's network is closed`));
    }
    this.counters.streamsOpened++;
    this.counters.bytesSent += this.network.encodedSize(msg);
    const clock = this.network.clock;
    const fromIp = this.localAddress.ip;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (action: () => void): void => {
        if (settled) return;
        settled = true;
        deadline.cancel();
        action();
      };
      const deadline = clock.setTimer(options.timeoutMs, () =>
        finish(() =>
          reject(
            new SatelliteError("stream_timeout", `stream to ${target} got no ${options.expectReply ? "reply" : "connection"} within ${options.timeoutMs} ms`, {
              hint: "check that the peer is up and TCP is allowed between the nodes",
            }),
          ),
        ),
      );
      clock.setTimer(this.network.transitDelayMs(fromIp, to.ip), () => {
        if (settled) return;
        const dest = this.network.lookup(to);
        if (!this.network.reachable(fromIp, to.ip)) return; // black hole: the deadline rejects
        if (!dest) {
          finish(() => reject(new SatelliteError("stream_refused", `connection to ${target} refused: nothing listens there`, { hint: "check the peer's address and that its agent runs" })));
          return;
        }
        if (!options.expectReply) finish(() => resolve(undefined));
        const wire = this.network.wire;
        const transfer = (m: GossipMessage): Promise<GossipMessage> => (wire ? Promise.resolve().then(() => wire.decodeStream(wire.encodeStream(m))) : Promise.resolve(m));
        transfer(msg).then((received) => dest.acceptStream(received, this.localAddress)).then(
          async (reply) => {
            if (!options.expectReply || settled) return;
            if (!reply) {
              finish(() => reject(new SatelliteError("stream_no_reply", `${target} closed the stream without a reply`)));
              return;
            }
            const received = await transfer(reply);
            clock.setTimer(this.network.transitDelayMs(to.ip, fromIp), () => {
              if (settled || this.closed) return;
              this.counters.bytesReceived += this.network.encodedSize(received);
              finish(() => resolve(received));
            });
          },
          (error: unknown) => finish(() => reject(new SatelliteError("stream_failed", `${target} failed to handle the stream`, { cause: error }))),
        );
      });
    });
  }

  stats(): GossipNetStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  receivePacket(payload: readonly GossipMessage[] | Uint8Array, from: NetAddress, sizeBytes: number): void {
    this.counters.packetsReceived++;
    this.counters.bytesReceived += sizeBytes;
    const handlers = this.handlers;
    if (!handlers) {
      this.counters.packetsDropped++;
      return;
    }
    let msgs = payload as readonly GossipMessage[];
    if (payload instanceof Uint8Array && this.network.wire) {
      const decoded = this.network.wire.decodePacket(payload);
      this.counters.packetsDropped += decoded.drops.length;
      msgs = decoded.messages;
    }
    const now = this.network.clock.monotonicMs();
    for (const msg of msgs) handlers.onPacketMessage(msg, from, now);
  }

  /** @internal */
  async acceptStream(msg: GossipMessage, from: NetAddress): Promise<GossipMessage | undefined> {
    const handlers = this.handlers;
    if (!handlers) throw new SatelliteError("no_handlers", `${formatAddress(this.localAddress)} has no handlers yet`);
    this.counters.streamsAccepted++;
    this.counters.bytesReceived += this.network.encodedSize(msg);
    const reply = await handlers.onStreamMessage(msg, from);
    if (reply) this.counters.bytesSent += this.network.encodedSize(reply);
    return reply;
  }
}
