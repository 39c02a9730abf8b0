/**
 * Hostile TCP streams to a gossip port: valid and mutated push/pulls (some with forged node
 * states), random bytes, declared lengths over every limit, LZW bombs, slow streams that stall
 * halfway, encrypted with the right key, a wrong one, or not at all. Each stream is one TCP
 * connection with its own deadline; the caller bounds how many run at once.
 */
import { connect } from "node:net";
import type { PushNodeState, PushPullMessage } from "../../src/membership/messages.ts";
import { compressMessage, encodeStream, encodeStreamBody, encryptPayload, type Keyring, MessageType, MsgpackWriter } from "../../src/membership/wire/index.ts";
import type { Random } from "../../src/platform/random.ts";
import { flipBit, type PacketTarget } from "./packet-fuzzer.ts";

export interface StreamPlan {
  kind: string;
  /** Chunks written in order, `pauseMs` apart. */
  chunks: Uint8Array[];
  pauseMs: number;
  /** The connection is dropped after this, answered or not. */
  holdMs: number;
}

const MIB = 1024 * 1024;

export function createStreamFuzzer(random: Random, target: PacketTarget): () => StreamPlan {
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)] as T;
  const chance = (p: number): boolean => random.float() < p;
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = random.int(256);
    return out;
  };
  const node = (): PushNodeState => ({
    name: chance(0.7) ? pick(target.names) : `fz-${random.int(100_000)}`,
    addr: "127.0.0.1",
    port: pick(target.ports),
    meta: new Uint8Array(0),
    incarnation: chance(0.3) ? 0xffff_ffff : random.int(50),
    state: pick([0, 1, 2, 3] as const),
    vsn: [1, 5, 2, 2, 5, 5],
  });
  const pushPull = (count: number): PushPullMessage => ({ type: "pushPull", join: chance(0.5), nodes: Array.from({ length: count }, node), userState: chance(0.5) ? bytes(random.int(300)) : new Uint8Array(0) });
  const frame = (body: Uint8Array, keyring: Keyring | undefined): Uint8Array => {
    if (!keyring) return body;
    const header = new Uint8Array(5);
    header[0] = MessageType.encrypt;
    new DataView(header.buffer).setUint32(1, body.length + 29);
    const sealed = encryptPayload(keyring, body, header, bytes);
    return Uint8Array.of(...header, ...sealed);
  };
  const keyFor = (): Keyring | undefined => (target.keyring && chance(0.7) ? target.keyring : chance(0.2) ? target.wrongKeyring : undefined);
  const split = (b: Uint8Array): Uint8Array[] => {
    const at = random.int(b.length + 1);
    return [b.subarray(0, at), b.subarray(at)].filter((c) => c.length > 0);
  };

  const bombs = new Map<string, Uint8Array>();
  const large: Uint8Array[] = [];

  return () => {
    switch (random.int(8)) {
      case 0: {
        const keyring = keyFor();
        return { kind: `pushPull${keyring ? (keyring === target.keyring ? "+key" : "+wrongkey") : ""}`, chunks: split(encodeStream(pushPull(random.int(40)), { compression: chance(0.5), keyring, random: bytes })), pauseMs: 0, holdMs: 3000 };
      }
      case 1: {
        const good = encodeStream(pushPull(1 + random.int(20)), { compression: chance(0.5), keyring: target.keyring, random: bytes });
        const out = new Uint8Array(good);
        for (let i = 0; i < 1 + random.int(6); i++) flipBit(out, random);
        return { kind: "pushPull-mutated", chunks: [out.subarray(0, random.int(out.length) + 1)], pauseMs: 0, holdMs: 2000 };
      }
      case 2:
        return { kind: "random-bytes", chunks: [bytes(1 + random.int(4096))], pauseMs: 0, holdMs: 2000 };
      case 3: {
        // Declared sizes over the limit: encrypted frame length, push/pull node count, user state, user message.
        const w = new MsgpackWriter();
        const which = random.int(4);
        if (which === 0) return { kind: "declared-frame-too-large", chunks: [Uint8Array.of(MessageType.encrypt, 0xff, 0xff, 0xff, 0xf0)], pauseMs: 0, holdMs: 2000 };
        if (which === 1) w.byte(MessageType.pushPull).struct([["Nodes", (x) => x.uint(pick([10_001, 1e6, 2 ** 31]))], ["UserStateLen", (x) => x.uint(0)], ["Join", (x) => x.bool(false)]]);
        else if (which === 2) w.byte(MessageType.pushPull).struct([["Nodes", (x) => x.uint(0)], ["UserStateLen", (x) => x.uint(pick([9 * MIB, 2 ** 32]))], ["Join", (x) => x.bool(false)]]);
        else w.byte(MessageType.user).struct([["UserMsgLen", (x) => x.uint(pick([9 * MIB, 2 ** 40]))]]);
        return { kind: "declared-too-large", chunks: [frame(w.bytes(), keyFor())], pauseMs: 0, holdMs: 2000 };
      }
      case 4: {
        const size = pick([2, 6, 12]);
        const keyring = keyFor();
        const key = `${size}:${keyring === target.keyring ? "key" : keyring ? "wrong" : "plain"}`;
        let bomb = bombs.get(key);
        if (!bomb) {
          bomb = frame(compressMessage(encodeStreamBody({ type: "user", payload: new Uint8Array(size * MIB) })), keyring);
          bombs.set(key, bomb);
        }
        return { kind: "lzw-bomb", chunks: [bomb], pauseMs: 0, holdMs: 3000 };
      }
      case 5: {
        // Slow: a legal header for a large frame, a little of the body, then stall until the deadline.
        const header = Uint8Array.of(MessageType.encrypt, 0, 0x70, 0, 0);
        return { kind: "slow-stall", chunks: [header, bytes(64 * 1024), bytes(64 * 1024)], pauseMs: 200, holdMs: 12_000 };
      }
      case 6:
        return { kind: "ping", chunks: [frame(Uint8Array.of(MessageType.ping, 0x82, 0xa5, ...new TextEncoder().encode("SeqNo"), 1, 0xa4, ...new TextEncoder().encode("Node"), 0xa0), keyFor())], pauseMs: 0, holdMs: 2000 };
      default: {
        // A few large push/pulls (thousands of forged members), built once and sent again and again.
        if (large.length < 4) large.push(encodeStream(pushPull(2000 + random.int(3000)), { compression: true, keyring: target.keyring, random: bytes }));
        return { kind: "pushPull-large", chunks: split(pick(large)), pauseMs: 0, holdMs: 8000 };
      }
    }
  };
}

/**
 * Runs one planned stream against 127.0.0.1:`port` from `localAddress` (another 127/8 address
 * looks like another peer); resolves when it is closed (by either side).
 */
export function runStream(port: number, plan: StreamPlan, localAddress = "127.0.0.1"): Promise<{ answered: boolean }> {
  return new Promise((resolve) => {
    let answered = false;
    let done = false;
    const socket = connect({ host: "127.0.0.1", port, localAddress });
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(hold);
      socket.destroy();
      resolve({ answered });
    };
    const hold = setTimeout(finish, plan.holdMs);
    socket.on("data", () => void (answered = true));
    socket.on("close", finish);
    socket.on("error", finish);
    socket.on("connect", async () => {
      for (const chunk of plan.chunks) {
        if (done) return;
        socket.write(chunk);
        if (plan.pauseMs > 0) await new Promise((r) => setTimeout(r, plan.pauseMs));
      }
    });
  });
}
