/**
 * The tail of failure detection: one node of N killed, many times, in the simulated network
 * with the real membership code (LAN defaults, 1-3 ms links, no loss). Each kill is a fresh
 * cluster (its own seed), left to settle, then a random member killed at a random moment;
 * measured: kill until every survivor declared it dead, and what shaped it (first local
 * suspicion, confirmations the first expiring timer had), beside memberlist's algorithm
 * modelled under the same assumptions (memberlist-detection-model.ts, 10,000 kills).
 * `--degraded=S`: just before the kill every survivor refutes S accusations (forged suspects
 * about itself, through the real codec), so its Lifeguard awareness is S, as on a host too
 * busy to answer in time.
 * Run: bun bench/gossip/fail-tail.ts [--sizes=5,20,50] [--kills=200] [--loss=0.05] [--degraded=3]
 *   (writes bench/gossip/out/fail-tail.json)
 */
import { HeapClock } from "../../test/sim/heap-clock.ts";
import { lanConfig } from "../../src/membership/config-presets.ts";
import { createMembership, type Membership } from "../../src/membership/membership.ts";
import type { SimGossipNet } from "../../src/membership/sim-gossip-net.ts";
import { SimNetwork } from "../../src/membership/sim-net.ts";
import { memberlistSimWire } from "../../src/membership/sim-wire.ts";
import { encodePacket } from "../../src/membership/wire/packet.ts";
import type { LogFields, Logger } from "../../src/platform/logger.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { percentile, report } from "../support/report.ts";
import { modelledDetectionMs } from "./memberlist-detection-model.ts";

interface KillSample {
  allDeadMs: number;
  firstSuspectMs: number;
  firstDeadMs: number;
  confirmationsAtFirstExpiry: number;
}

interface Node {
  name: string;
  net: SimGossipNet;
  membership: Membership;
}

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const sizes = (args.get("sizes") ?? "5,20,50").split(",").map(Number).filter((n) => n > 2);
const kills = Number(args.get("kills") ?? 200);
/** UDP loss on every link: lost acks and nacks raise Lifeguard awareness, as a busy host does. */
const lossRate = Number(args.get("loss") ?? 0);
const degraded = Number(args.get("degraded") ?? 0);
const FORGER = { ip: "10.66.6.6", port: 7946 };
const DETECT_LIMIT_MS = 120_000;

/** A logger that records the lines the kill is measured by, with the simulated time. */
function recordingLogger(clock: HeapClock, node: string, lines: { atMs: number; node: string; message: string; fields: LogFields }[]): Logger {
  const write = (message: string, fields?: LogFields): void => void lines.push({ atMs: clock.monotonicMs(), node, message, fields: fields ?? {} });
  const logger: Logger = { debug: () => {}, info: write, warn: write, error: write, child: () => logger };
  return logger;
}

async function oneKill(n: number, rep: number): Promise<KillSample> {
  const seed = n * 100_000 + rep;
  const clock = new HeapClock();
  const network = new SimNetwork({ clock, random: createSeededRandom(seed), link: { delayMs: 1, jitterMs: 2, lossRate }, wire: degraded > 0 ? memberlistSimWire : undefined });
  const lines: { atMs: number; node: string; message: string; fields: LogFields }[] = [];
  const deadAt = new Map<string, number>();
  const nodes: Node[] = [];
  for (let i = 0; i < n; i++) {
    const name = `node-${i}`;
    const net = network.createNet({ ip: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, port: 7946 });
    const events = { onJoin: () => {}, onUpdate: () => {}, onLeave: (m: { name: string; state: string }) => void (m.state === "dead" && !deadAt.has(`${name}>${m.name}`) && deadAt.set(`${name}>${m.name}`, clock.monotonicMs())) };
    const membership = createMembership(lanConfig(name), { net, clock, random: createSeededRandom(seed * 1000 + i), logger: recordingLogger(clock, name, lines) }, { events });
    membership.start();
    if (i > 0) void membership.join([{ ip: "10.0.0.1", port: 7946 }]).catch(() => {});
    nodes.push({ name, net, membership });
    await clock.advance(10);
  }
  const rand = createSeededRandom(seed + 7);
  // Settled: the join broadcasts drained, probe rounds under way; the kill lands at a random phase.
  await clock.advance(20_000 + rand.int(5_000));
  const victim = nodes[1 + rand.int(n - 1)] as Node;
  const survivors = nodes.filter((m) => m !== victim);
  for (let i = 0; i < degraded; i++) {
    for (const m of survivors) {
      const incarnation = m.membership.localNode().incarnation;
      network.injectPacket(FORGER, m.net.localAddress, encodePacket([{ type: "suspect", incarnation, node: m.name, from: victim.name }], { compression: false, crc: false }));
    }
    await clock.advance(5);
  }
  const killedAt = clock.monotonicMs();
  lines.length = 0;
  await victim.membership.shutdown();
  const seenByAll = () => survivors.every((m) => deadAt.has(`${m.name}>${victim.name}`));
  while (!seenByAll() && clock.monotonicMs() - killedAt < DETECT_LIMIT_MS) await clock.advance(100);
  const times = survivors.map((m) => (deadAt.get(`${m.name}>${victim.name}`) ?? Number.POSITIVE_INFINITY) - killedAt);
  const suspects = lines.filter((l) => l.message.startsWith("no ack") && l.fields.node === victim.name).map((l) => l.atMs - killedAt);
  const expiries = lines.filter((l) => l.message.startsWith("suspicion expired") && l.fields.node === victim.name);
  for (const m of nodes) await m.membership.shutdown();
  return {
    allDeadMs: Math.max(...times),
    firstSuspectMs: suspects.length > 0 ? Math.min(...suspects) : -1,
    firstDeadMs: Math.min(...times),
    confirmationsAtFirstExpiry: Number(expiries[0]?.fields.confirmations ?? -1),
  };
}

const MODEL_KILLS = 10_000;

function modelled(n: number): string {
  const config = lanConfig("model");
  const random = createSeededRandom(n);
  const options = { n, probeIntervalMs: config.probeIntervalMs, suspicionMult: config.suspicionMult, suspicionMaxTimeoutMult: config.suspicionMaxTimeoutMult, awarenessAtKill: degraded };
  const all = Array.from({ length: MODEL_KILLS }, () => modelledDetectionMs(options, random));
  return [50, 99].map((p) => (percentile(all, p) / 1000).toFixed(2)).concat((Math.max(...all) / 1000).toFixed(2)).join("/");
}

const rows: Record<string, string | number>[] = [];
const samples: Record<number, KillSample[]> = {};
for (const n of sizes) {
  const wallStart = performance.now();
  const got: KillSample[] = [];
  for (let rep = 0; rep < kills; rep++) got.push(await oneKill(n, rep));
  samples[n] = got;
  const all = got.map((s) => s.allDeadMs);
  const sec = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : "never");
  const confirmations = got.map((s) => s.confirmationsAtFirstExpiry);
  rows.push({
    N: n,
    kills,
    "p50 s": sec(percentile(all, 50)),
    "p90 s": sec(percentile(all, 90)),
    "p99 s": sec(percentile(all, 99)),
    "max s": sec(Math.max(...all)),
    "first suspect p50/max s": `${sec(percentile(got.map((s) => s.firstSuspectMs), 50))}/${sec(Math.max(...got.map((s) => s.firstSuspectMs)))}`,
    "first dead p50/max s": `${sec(percentile(got.map((s) => s.firstDeadMs), 50))}/${sec(Math.max(...got.map((s) => s.firstDeadMs)))}`,
    "first expiry confirmations 0/1/2+": `${confirmations.filter((c) => c === 0).length}/${confirmations.filter((c) => c === 1).length}/${confirmations.filter((c) => c >= 2).length}`,
    "memberlist model p50/p99/max s": modelled(n),
    "wall s": ((performance.now() - wallStart) / 1000).toFixed(1),
  });
  console.error(`N=${n}: ${kills} kills in ${((performance.now() - wallStart) / 1000).toFixed(1)} s wall`);
}
const variant = `${lossRate > 0 ? `-loss${lossRate}` : ""}${degraded > 0 ? `-degraded${degraded}` : ""}`;
report(`kill -> declared dead by every survivor (simulated, LAN defaults, UDP loss ${lossRate}, awareness ${degraded} at the kill)`, rows, new URL(`./out/fail-tail${variant}.json`, import.meta.url).pathname, { linkDelayMs: "1 + U[0,2)", lossRate, degraded, samples });
