/**
 * Random and mutated gossip packets of every memberlist message type and the serf messages
 * inside user messages. Field values mix the plausible with the hostile: incarnations at the
 * top of the u32 range, Lamport times near 2^53, empty and unusable addresses, over-long
 * names, control characters, bad tags, wrong types, truncations and bit flips.
 * Every address a valid-looking message names is a loopback one (the run is loopback-only
 * anyway: it runs in a network namespace of its own).
 */
import { encodeSerfMessage } from "../../src/cluster/serf-wire.ts";
import { encodeTags } from "../../src/cluster/serf-wire-meta.ts";
import type { GossipMessage } from "../../src/membership/messages.ts";
import { compressMessage, encodePacket, encryptPayload, type Keyring, makeCompound, MessageType, MsgpackWriter } from "../../src/membership/wire/index.ts";
import { crc32 } from "../../src/membership/wire/crc32.ts";
import type { Random } from "../../src/platform/random.ts";

export interface PacketTarget {
  /** Names of the real members (so forged claims hit real table entries). */
  names: readonly string[];
  /** Gossip ports of the real members on 127.0.0.1. */
  ports: readonly number[];
  /** The cluster's key: packets encrypted with it reach the decoder's inner layers. */
  keyring?: Keyring;
  /** A key the target does not have. */
  wrongKeyring: Keyring;
}

export type PacketKind = string;

const U32 = 0xffff_ffff;
const EXTREME_INTS = [0, 1, 2, 127, 128, 255, 256, 65535, 65536, U32 - 1, U32, U32 + 1, 2 ** 52, 2 ** 53 - 1];
const NASTY_STRINGS = ["", "\u0000", "a\u001b[2Jb", "\u009b31m", "x".repeat(300), "é".repeat(200), "\u2028", "__proto__", "constructor", "node\nname"];

/** One generator: a seeded source of hostile packets for `target`. */
export function createPacketFuzzer(random: Random, target: PacketTarget): () => { kind: PacketKind; bytes: Uint8Array } {
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)] as T;
  const chance = (p: number): boolean => random.float() < p;
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = random.int(256);
    return out;
  };
  const uint = (): number => (chance(0.5) ? pick(EXTREME_INTS) : random.int(1000));
  const u32 = (): number => Math.min(U32, uint());
  const name = (): string => (chance(0.6) ? pick(target.names) : chance(0.5) ? pick(NASTY_STRINGS) : `fz-${random.int(100_000)}`);
  const loopback = (): Uint8Array => Uint8Array.of(127, 0, random.int(2), 1 + random.int(3));
  const addr = (): Uint8Array => (chance(0.8) ? loopback() : pick([new Uint8Array(0), Uint8Array.of(0, 0, 0, 0), bytes(3), bytes(7), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)]));
  const port = (): number => (chance(0.7) ? pick(target.ports) : pick([0, 1, 65535, 65536, uint()]));
  const meta = (): Uint8Array => {
    switch (random.int(5)) {
      case 0:
        return encodeTags({ role: pick(["node", "master"]), sat: pick(["r", "d", "u", "constructor", "x;1"]), "sat-fail": pick(["docker:c", "+99999999999", ":c,,", "a:w,+3"]) });
      case 1:
        return encodeTags({ role: pick(NASTY_STRINGS), "sat-api": pick(["7575", "17612/internal/admin?token=x&y=", "0", "99999"]) });
      case 2:
        return bytes(random.int(600));
      case 3:
        return Uint8Array.of(0xff, ...bytes(random.int(40)));
      default:
        return new Uint8Array(0);
    }
  };
  const vsn = (): Uint8Array => (chance(0.8) ? Uint8Array.of(1, 5, 2, 2, 5, 5) : bytes(random.int(8)));

  /** A message as raw bytes: `[type]` + a msgpack struct whose fields may have the wrong kind. */
  const struct = (type: number, fields: [string, (w: MsgpackWriter) => void][]): Uint8Array => {
    const w = new MsgpackWriter(128);
    w.byte(type).mapHeader(fields.length);
    for (const [key, write] of fields) {
      w.str(key);
      if (chance(0.05)) w.str("wrong kind");
      else write(w);
    }
    return w.bytes();
  };

  const serfPayload = (): Uint8Array => {
    const ltime = chance(0.5) ? pick([2 ** 53 - 1, 2 ** 52, 2 ** 52 + 1, 2 ** 20, U32]) : random.int(5000);
    switch (random.int(6)) {
      case 0:
        return encodeSerfMessage({ type: "leave", ltime, node: name(), prune: chance(0.5) });
      case 1:
        return encodeSerfMessage({ type: "join", ltime, node: name() });
      case 2:
        return encodeSerfMessage({ type: "userEvent", ltime, name: pick(NASTY_STRINGS), payload: bytes(random.int(200)), cc: chance(0.5) });
      case 3:
        return encodeSerfMessage({
          type: "pushPull",
          ltime,
          statusLTimes: new Map(Array.from({ length: random.int(20) }, () => [name(), chance(0.5) ? ltime : random.int(100)] as [string, number])),
          leftMembers: Array.from({ length: random.int(5) }, name),
          eventLTime: ltime,
          events: [],
          queryLTime: ltime,
        });
      case 4:
        return Uint8Array.of(random.int(12), ...bytes(random.int(100)));
      default:
        return encodeSerfMessage({ type: "query", ltime, id: u32(), addr: "127.0.0.1", port: pick(target.ports), sourceNode: name(), filters: [], flags: 0, relayFactor: random.int(5), timeoutNs: 1e9, name: pick(NASTY_STRINGS), payload: bytes(20) });
    }
  };

  /** One message of a random type, as bytes (never the typed encoder's refusals: raw fields). */
  const message = (): { kind: string; part: Uint8Array } => {
    switch (random.int(10)) {
      case 0:
        return { kind: "ping", part: struct(MessageType.ping, [["SeqNo", (w) => w.uint(u32())], ["Node", (w) => w.str(name())], ["SourceAddr", (w) => w.bin(loopback())], ["SourcePort", (w) => w.uint(pick(target.ports))], ["SourceNode", (w) => w.str(name())]]) };
      case 1:
        return { kind: "indirectPing", part: struct(MessageType.indirectPing, [["SeqNo", (w) => w.uint(u32())], ["Target", (w) => w.bin(loopback())], ["Port", (w) => w.uint(pick(target.ports))], ["Node", (w) => w.str(name())], ["Nack", (w) => w.bool(chance(0.5))]]) };
      case 2:
        return { kind: "ack", part: struct(MessageType.ack, [["SeqNo", (w) => w.uint(u32())], ["Payload", (w) => w.bin(bytes(random.int(100)))]]) };
      case 3:
        return { kind: "nack", part: struct(MessageType.nack, [["SeqNo", (w) => w.uint(uint())]]) };
      case 4:
        return { kind: "err", part: struct(MessageType.err, [["Error", (w) => w.str(pick(NASTY_STRINGS))]]) };
      case 5:
      case 6: {
        const type = random.int(2) === 0 ? MessageType.suspect : MessageType.dead;
        const node = name();
        return { kind: type === MessageType.suspect ? "suspect" : "dead", part: struct(type, [["Incarnation", (w) => w.uint(uint())], ["Node", (w) => w.str(node)], ["From", (w) => w.str(chance(0.3) ? node : name())]]) };
      }
      case 7:
        return {
          kind: "alive",
          part: struct(MessageType.alive, [["Incarnation", (w) => w.uint(uint())], ["Node", (w) => w.str(name())], ["Addr", (w) => w.bin(addr())], ["Port", (w) => w.uint(port())], ["Meta", (w) => w.bin(meta())], ["Vsn", (w) => w.bin(vsn())]]),
        };
      case 8:
        return { kind: "user", part: Uint8Array.of(MessageType.user, ...serfPayload()) };
      default:
        return { kind: "random", part: Uint8Array.of(random.int(16), ...bytes(random.int(60))) };
    }
  };

  const mutate = (b: Uint8Array): Uint8Array => {
    const out = new Uint8Array(b);
    switch (random.int(4)) {
      case 0:
        for (let i = 0; i < 1 + random.int(4) && out.length > 0; i++) flipBit(out, random);
        return out;
      case 1:
        return out.subarray(0, random.int(out.length + 1));
      case 2: {
        const at = random.int(out.length + 1);
        return Uint8Array.of(...out.subarray(0, at), ...bytes(1 + random.int(8)), ...out.subarray(at));
      }
      default:
        if (out.length) out[random.int(out.length)] = pick([0x00, 0xc0, 0xcf, 0xdb, 0xdf, 0xff]);
        return out;
    }
  };

  const wrap = (plain: Uint8Array): { layer: string; bytes: Uint8Array } => {
    let out = plain;
    let layer = "";
    if (chance(0.2)) {
      out = compressMessage(out);
      layer += "+lzw";
    }
    if (chance(0.1)) {
      const crc = new Uint8Array(5 + out.length);
      crc[0] = MessageType.hasCrc;
      new DataView(crc.buffer).setUint32(1, chance(0.8) ? crc32(out) : random.int(U32));
      crc.set(out, 5);
      out = crc;
      layer += "+crc";
    }
    if (chance(0.05)) out = mutate(out);
    const encryptWith = target.keyring && chance(0.7) ? target.keyring : chance(0.15) ? target.wrongKeyring : undefined;
    if (encryptWith) {
      out = encryptPayload(encryptWith, out, new Uint8Array(0), bytes);
      layer += encryptWith === target.keyring ? "+key" : "+wrongkey";
    }
    return { layer, bytes: out };
  };

  return () => {
    const shape = random.int(10);
    let kind: string;
    let plain: Uint8Array;
    if (shape < 5) {
      const m = message();
      kind = m.kind;
      plain = chance(0.2) ? mutate(m.part) : m.part;
    } else if (shape === 7 && chance(0.3)) {
      // The amplification attempt: 255 pings (or indirect pings) in one compound, to a spoofed source.
      const one = message();
      kind = "compound-255";
      const ping = one.kind === "indirectPing" || one.kind === "ping" ? one.part : struct(MessageType.ping, [["SeqNo", (w) => w.uint(u32())], ["Node", (w) => w.str(pick(target.names))], ["SourceAddr", (w) => w.bin(loopback())], ["SourcePort", (w) => w.uint(pick(target.ports))]]);
      plain = compressMessage(makeCompound(new Array<Uint8Array>(255).fill(ping)));
    } else if (shape < 8) {
      const n = 2 + random.int(12);
      kind = "compound";
      plain = makeCompound(Array.from({ length: n }, () => message().part));
      if (chance(0.1)) plain = makeCompound([plain, compressMessage(plain)]);
    } else if (shape === 8) {
      kind = "typed";
      const msgs: GossipMessage[] = [{ type: "ping", seqNo: u32(), node: pick(target.names), sourceAddr: "127.0.0.1", sourcePort: pick(target.ports) }, { type: "suspect", incarnation: u32(), node: pick(target.names), from: pick(target.names) }];
      plain = encodePacket(msgs, { compression: chance(0.5), crc: false });
    } else {
      kind = "random-bytes";
      plain = bytes(random.int(1400));
    }
    const wrapped = wrap(plain);
    return { kind: kind + wrapped.layer, bytes: wrapped.bytes };
  };
}

/** Flips one random bit of `b` (not empty). */
export function flipBit(b: Uint8Array, random: Random): void {
  const at = random.int(b.length);
  b[at] = (b[at] as number) ^ (1 << random.int(8));
}
