/**
 * Wire bench: per-operation cost of the memberlist codec (packets plain / LZW / encrypted,
 * LZW throughput, push/pull encode+decode by member count) and a loopback push/pull round
 * trip over the real UDP/TCP net. Usage: bun bench/wire/run.ts [--iterations=2000]
 */
import { join } from "node:path";
import type { GossipMessage, PushPullMessage } from "../../src/membership/messages.ts";
import {
  createKeyring,
  decodePacket,
  encodePacket,
  encodeStream,
  lzwCompress,
  lzwDecompress,
  memorySource,
  readStreamMessage,
} from "../../src/membership/wire/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { secureRandomBytes } from "../../src/platform/secure-random.ts";
import { createUdpTcpGossipNet } from "../../src/membership/udp-tcp-net.ts";
import { median, report } from "../support/report.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const iterations = Number(args.iterations ?? 2000);
const vsn: [number, number, number, number, number, number] = [1, 5, 2, 2, 5, 5];
const meta = Uint8Array.from([0xff, 0x82, 0xa4, 0x72, 0x6f, 0x6c, 0x65, 0xa2, 0x74, 0x73, 0xa2, 0x64, 0x63, 0xa3, 0x6c, 0x61, 0x62]);
const keyring = createKeyring([secureRandomBytes(32)]);

function gossipPacket(): GossipMessage[] {
  return [
    { type: "ping", seqNo: 12345, node: "node-17", sourceAddr: "10.0.0.1", sourcePort: 7946, sourceNode: "node-1" },
    ...Array.from({ length: 8 }, (_, i): GossipMessage => ({ type: "alive", incarnation: i, node: `node-${i}`, addr: `10.0.0.${i}`, port: 7946, meta, vsn })),
  ];
}

function pushPull(n: number): PushPullMessage {
  return {
    type: "pushPull",
    join: false,
    nodes: Array.from({ length: n }, (_, i) => ({ name: `node-${i}`, addr: `10.0.${i >> 8 & 255}.${i & 255}`, port: 7946, meta, incarnation: i, state: 0, vsn })),
    userState: new Uint8Array(200),
  };
}

function usPerOp(fn: () => void, n: number): number {
  for (let i = 0; i < Math.min(200, n); i++) fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - t) * 1000) / n;
}

const rows: Record<string, string | number>[] = [];
const msgs = gossipPacket();
for (const [label, opts] of [
  ["packet plain", { compression: false, crc: false }],
  ["packet lzw", { compression: true, crc: false }],
  ["packet lzw+crc+aes", { compression: true, crc: true, keyring, random: secureRandomBytes }],
] as const) {
  const bytes = encodePacket(msgs, opts);
  const kr = "keyring" in opts ? opts.keyring : undefined;
  rows.push({
    case: `${label} (9 msgs)`,
    bytes: bytes.length,
    encode_us: usPerOp(() => encodePacket(msgs, opts), iterations).toFixed(1),
    decode_us: usPerOp(() => decodePacket(bytes, { keyring: kr }), iterations).toFixed(1),
  });
}

for (const n of [100, 1000, 10000]) {
  const msg = pushPull(n);
  const reps = Math.max(3, Math.floor(20000 / n));
  const plain = encodeStream(msg, { compression: false });
  const packed = encodeStream(msg, { compression: true });
  const dec = async (b: Uint8Array): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      await readStreamMessage(memorySource(b), {});
      times.push(performance.now() - t);
    }
    return median(times);
  };
  rows.push({
    case: `push/pull ${n} members`,
    bytes: `${plain.length} (lzw ${packed.length})`,
    encode_us: (usPerOp(() => encodeStream(msg, { compression: false }), reps)).toFixed(0),
    decode_us: ((await dec(plain)) * 1000).toFixed(0),
  });
}

const blob = encodeStream(pushPull(5000), { compression: false });
const z = lzwCompress(blob);
const mb = blob.length / 1e6;
rows.push({
  case: `lzw ${mb.toFixed(2)} MB`,
  bytes: z.length,
  encode_us: usPerOp(() => lzwCompress(blob), 5).toFixed(0),
  decode_us: usPerOp(() => lzwDecompress(z, blob.length), 5).toFixed(0),
});

const a = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: true, keyring, logger: silentLogger, clock: systemClock });
const b = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: true, keyring, logger: silentLogger, clock: systemClock });
const reply = pushPull(1000);
b.setHandlers({ onPacketMessage: () => {}, onStreamMessage: async () => reply });
const rtts: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  await a.sendStream(b.localAddress, reply, { timeoutMs: 10_000, expectReply: true });
  rtts.push(performance.now() - t);
}
await a.close();
await b.close();
rows.push({ case: "loopback push/pull 1000 members, lzw+aes (median of 20)", bytes: "", encode_us: "", decode_us: (median(rtts) * 1000).toFixed(0) });

report("wire codec (us per operation; loopback row: round trip in decode_us)", rows, join(import.meta.dir, "out/wire.json"), { iterations });
