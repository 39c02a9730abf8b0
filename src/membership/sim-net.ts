import type { Clock } from "../platform/clock.ts";
import { SatelliteError } from "../platform/errors.ts";
import type { Random } from "../platform/random.ts";
import { estimateEncodedSize } from "./estimated-size.ts";
import { formatAddress, type NetAddress } from "./gossip-net.ts";
import type { GossipMessage } from "./messages.ts";
import { SimGossipNet } from "./sim-gossip-net.ts";
import type { SimWire } from "./sim-wire.ts";

/** How packets fare on one direction of a link. */
export interface SimLinkProfile {
  delayMs: number;
  /** Uniform extra delay in [0, jitterMs). Reordering follows from it. */
  jitterMs: number;
  /** Probability in [0, 1] that a UDP packet is lost. Streams are reliable. */
  lossRate: number;
}

export interface SimNetworkOptions {
  /** Drives every delivery; one clock for the whole simulated cluster. */
  clock: Clock;
  /** Decides loss and jitter; seed it for reproducible runs. */
  random: Random;
  link?: Partial<SimLinkProfile>;
  /** Default 1400 bytes minus a compound header estimate. */
  packetBudgetBytes?: number;
  /** Defaults to a msgpack-like estimate; inject the real codec's size to mimic the wire (it may throw for stream-only messages). */
  encodedSize?: (msg: GossipMessage) => number;
  /** Send every packet and stream as bytes through this codec (sim-wire.ts); default: hand messages over. */
  wire?: SimWire;
}

/** Totals over the whole simulated network, for benches and assertions. */
export interface SimNetworkTotals {
  packetsSent: number;
  packetsLost: number;
  packetsBlocked: number;
  bytesSent: number;
}

const DEFAULT_LINK: SimLinkProfile = { delayMs: 1, jitterMs: 1, lossRate: 0 };

/**
 * A deterministic in-process network: per-link delay, jitter and loss, partitions (groups of
 * IPs that cannot reach each other), and UDP-only blocks. Messages are handed over as the same
 * objects (no copy): receivers must treat them as immutable, as they would decoded values.
 */
export class SimNetwork {
  readonly clock: Clock;
  private readonly random: Random;
  private readonly nets = new Map<string, SimGossipNet>();
  private readonly links = new Map<string, SimLinkProfile>();
  private readonly udpBlocked = new Set<string>();
  private groupOf = new Map<string, number>();
  private defaultLink: SimLinkProfile;
  readonly packetBudgetBytes: number;
  readonly encodedSize: (msg: GossipMessage) => number;
  readonly wire: SimWire | undefined;
  private readonly counters: SimNetworkTotals = { packetsSent: 0, packetsLost: 0, packetsBlocked: 0, bytesSent: 0 };

  constructor(options: SimNetworkOptions) {
    this.clock = options.clock;
    this.random = options.random;
    this.defaultLink = { ...DEFAULT_LINK, ...options.link };
    this.packetBudgetBytes = options.packetBudgetBytes ?? 1400 - 3;
    this.wire = options.wire;
    const size = options.encodedSize ?? estimateEncodedSize;
    // A packet codec may refuse stream-only messages (pushPull); estimate those.
    this.encodedSize = (msg) => {
      try {
        return size(msg);
      } catch {
        return estimateEncodedSize(msg);
      }
    };
  }

  /** A node's endpoint. An address may be reused after its previous net closed (a restart). */
  createNet(address: NetAddress): SimGossipNet {
    const key = formatAddress(address);
    const existing = this.nets.get(key);
    if (existing && !existing.isClosed()) {
      throw new SatelliteError("sim_address_in_use", `simulated address ${key} is already in use`, {
        hint: "close the previous net of this node first or pick another address",
      });
    }
    const net = new SimGossipNet(this, address);
    this.nets.set(key, net);
    return net;
  }

  setDefaultLink(profile: Partial<SimLinkProfile>): void {
    this.defaultLink = { ...this.defaultLink, ...profile };
  }

  /** Overrides the link between two IPs, both directions. */
  setLink(ipA: string, ipB: string, profile: Partial<SimLinkProfile>): void {
    const merged = { ...this.defaultLink, ...profile };
    this.links.set(`${ipA}|${ipB}`, merged);
    this.links.set(`${ipB}|${ipA}`, merged);
  }

  /** Overrides one direction of a link, from `fromIp` to `toIp` (an asymmetric route). */
  setOneWayLink(fromIp: string, toIp: string, profile: Partial<SimLinkProfile>): void {
    this.links.set(`${fromIp}|${toIp}`, { ...this.linkFor(fromIp, toIp), ...profile });
  }

  /** Nodes in different groups cannot reach each other; IPs not listed form one more group. */
  partition(groups: readonly (readonly string[])[]): void {
    this.groupOf = new Map();
    groups.forEach((ips, index) => ips.forEach((ip) => this.groupOf.set(ip, index + 1)));
  }

  heal(): void {
    this.groupOf = new Map();
  }

  /** Drops every UDP packet to or from `ip` (streams still work), like a firewall on UDP only. */
  blockUdp(ip: string, blocked: boolean): void {
    if (blocked) this.udpBlocked.add(ip);
    else this.udpBlocked.delete(ip);
  }

  /**
   * Delivers raw bytes to `to` as if `from` had sent them (a forger or a fuzzer on the
   * network); needs a `wire` to decode them. Subject to the same delay, loss and partitions.
   */
  injectPacket(from: NetAddress, to: NetAddress, bytes: Uint8Array): void {
    if (!this.wire) throw new SatelliteError("sim_no_wire", "injectPacket needs a SimNetwork created with a wire codec", { hint: "pass `wire: memberlistSimWire`" });
    this.routePacket(from, to, bytes, bytes.length);
  }

  totals(): SimNetworkTotals {
    return { ...this.counters };
  }

  /** @internal */
  reachable(fromIp: string, toIp: string): boolean {
    return (this.groupOf.get(fromIp) ?? 0) === (this.groupOf.get(toIp) ?? 0);
  }

  /** @internal */
  lookup(address: NetAddress): SimGossipNet | undefined {
    const net = this.nets.get(formatAddress(address));
    return net && !net.isClosed() ? net : undefined;
  }

  /** @internal */
  transitDelayMs(fromIp: string, toIp: string): number {
    const link = this.linkFor(fromIp, toIp);
    return link.delayMs + (link.jitterMs > 0 ? this.random.float() * link.jitterMs : 0);
  }

  /** @internal */
  routePacket(from: NetAddress, to: NetAddress, msgs: readonly GossipMessage[] | Uint8Array, sizeBytes: number): void {
    this.counters.packetsSent++;
    this.counters.bytesSent += sizeBytes;
    const fromIp = from.ip;
    const link = this.linkFor(fromIp, to.ip);
    if (link.lossRate > 0 && this.random.float() < link.lossRate) {
      this.counters.packetsLost++;
      return;
    }
    const delay = this.transitDelayMs(fromIp, to.ip);
    this.clock.setTimer(delay, () => {
      const dest = this.lookup(to);
      if (!dest) return;
      if (!this.reachable(fromIp, to.ip) || this.udpBlocked.has(fromIp) || this.udpBlocked.has(to.ip)) {
        this.counters.packetsBlocked++;
        return;
      }
      dest.receivePacket(msgs, from, sizeBytes);
    });
  }

  private linkFor(fromIp: string, toIp: string): SimLinkProfile {
    return this.links.get(`${fromIp}|${toIp}`) ?? this.defaultLink;
  }
}
