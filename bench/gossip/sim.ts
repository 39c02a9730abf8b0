/**
 * Gossip in the simulated network: join convergence, failure detection after a kill, leave
 * propagation and bytes per node, for N = 50, 200, 1000 with LAN defaults.
 * Run: npx bun bench/gossip/sim.ts [N ...]   (writes bench/gossip/out/sim.json)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { SerfSim } from "../../test/sim/serf-cluster.ts";
import { HeapClock } from "../../test/sim/heap-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { decodeSerfMessage, decodeTags, encodeSerfMessage, encodeTags } from "../../src/cluster/serf-wire.ts";
import { encodeMessage } from "../../src/membership/wire/index.ts";
import { pushPullIntervalFor } from "../../src/membership/gossip.ts";

interface Result {
  n: number;
  reps: { join: number; kill: number; leave: number };
  clusterFormMs: number;
  joinSeenByAllMs: { p50: number; p99: number };
  killAllFailedMs: { p50: number; p99: number };
  killPerObserverMs: { p50: number; p99: number };
  leaveSeenByAllMs: { p50: number; p99: number };
  falseFailures: number;
  leaveReportedFailed: number;
  udpBytesPerSecPerNode: number;
  /** UDP plus TCP (push/pull, TCP pings). */
  bytesPerSecPerNode: number;
  packetsPerSecPerNode: number;
  simulatedSeconds: number;
  wallSeconds: number;
}

const REPS: Record<number, number> = { 50: 8, 200: 4, 1000: 2 };
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 1);

async function run(n: number): Promise<Result> {
  const wallStart = performance.now();
  const phase = (what: string) =>
    console.error(`N=${n} ${what} at ${((performance.now() - wallStart) / 1000).toFixed(1)}s wall, ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
  const reps = REPS[n] ?? 2;
  const clock = new HeapClock();
  // Real serf encodings and real message sizes (uncompressed, unencrypted).
  const sim = new SerfSim({
    seed: n,
    clock,
    link: { delayMs: 1, jitterMs: 2 },
    codec: { encode: encodeSerfMessage, decode: decodeSerfMessage },
    tagCodec: { encode: encodeTags, decode: decodeTags },
    encodedSize: (m) => encodeMessage(m).length,
  });
  sim.recordFilter = (e) => e.type === "member-failed" || e.type === "member-leave";
  const pick = createSeededRandom(n + 99);
  await sim.add(0);
  await clock.advance(500);
  const seed = sim.nodes.get("node-0")!.address;
  const formStart = clock.monotonicMs();
  for (let i = 1; i < n; i++) {
    const node = await sim.add(i);
    void node.serf.join([seed]).catch(() => {});
    if (i % 10 === 0) await clock.advance(20);
  }
  phase("nodes started");
  const clusterFormMs = await sim.advanceUntil(() => sim.converged(), 120_000, 100);
  phase("cluster formed");
  // Let the join burst's broadcasts drain (a joiner re-gossips every member it learned).
  await clock.advance(90_000);

  // One full (scaled) push/pull period, so every node does about one exchange in the window.
  const windowMs = pushPullIntervalFor(30_000, n);
  const before = totals(sim);
  await clock.advance(windowMs);
  const after = totals(sim);
  const alive = sim.running().length;
  const bytesPerSecPerNode = (after.bytes - before.bytes) / alive / (windowMs / 1000);
  const udpBytesPerSecPerNode = (after.udpBytes - before.udpBytes) / alive / (windowMs / 1000);
  const packetsPerSecPerNode = (after.packets - before.packets) / alive / (windowMs / 1000);

  phase("traffic measured");
  const joinTimes: number[] = [];
  let nextIndex = n;
  for (let r = 0; r < reps; r++) {
    const node = await sim.add(nextIndex++);
    const name = node.name;
    void node.serf.join([seed]).catch(() => {});
    joinTimes.push(await sim.advanceUntil(() => sim.allSee({ [name]: "alive" }), 60_000, 20));
    await clock.advance(5000);
  }

  phase("joins measured");
  const killAll: number[] = [];
  const killObserver: number[] = [];
  const victims = new Set<string>();
  for (let r = 0; r < reps; r++) {
    const candidates = sim.running().filter((m) => m.name !== "node-0");
    const victim = candidates[pick.int(candidates.length)]!.name;
    victims.add(victim);
    const killedAt = clock.monotonicMs();
    await sim.kill(victim);
    killAll.push(await sim.advanceUntil(() => sim.allSee({ [victim]: "failed" }), 120_000, 100));
    for (const e of sim.memberEvents("member-failed", victim)) killObserver.push(e.atMs - killedAt);
    await clock.advance(5000);
  }

  phase("kills measured");
  const leaveTimes: number[] = [];
  const leavers = new Set<string>();
  for (let r = 0; r < reps; r++) {
    const candidates = sim.running().filter((m) => m.name !== "node-0");
    const leaver = candidates[pick.int(candidates.length)]!;
    leavers.add(leaver.name);
    const leaving = leaver.serf.leave().then(() => leaver.serf.shutdown());
    leaveTimes.push(await sim.advanceUntil(() => sim.allSee({ [leaver.name]: "left" }), 60_000, 20));
    await sim.settle(leaving);
    await clock.advance(5000);
  }
  await clock.advance(30_000);

  const failedEvents = sim.memberEvents("member-failed").filter((e) => e.event.type !== "user");
  const falseFailures = failedEvents.filter((e) => e.event.type !== "user" && !victims.has(e.event.member.name) && !leavers.has(e.event.member.name)).length;
  const leaveReportedFailed = failedEvents.filter((e) => e.event.type !== "user" && leavers.has(e.event.member.name)).length;
  return {
    n,
    reps: { join: reps, kill: reps, leave: reps },
    clusterFormMs,
    joinSeenByAllMs: percentiles(joinTimes),
    killAllFailedMs: percentiles(killAll),
    killPerObserverMs: percentiles(killObserver),
    leaveSeenByAllMs: percentiles(leaveTimes),
    falseFailures,
    leaveReportedFailed,
    udpBytesPerSecPerNode: Math.round(udpBytesPerSecPerNode),
    bytesPerSecPerNode: Math.round(bytesPerSecPerNode),
    packetsPerSecPerNode: Math.round(packetsPerSecPerNode * 10) / 10,
    simulatedSeconds: Math.round(clock.monotonicMs() / 1000),
    wallSeconds: Math.round((performance.now() - wallStart) / 100) / 10,
  };
}

function totals(sim: SerfSim): { bytes: number; packets: number; udpBytes: number } {
  let bytes = 0;
  let packets = 0;
  for (const node of sim.running()) {
    const s = node.net.stats();
    bytes += s.bytesSent;
    packets += s.packetsSent;
  }
  return { bytes, packets, udpBytes: sim.network.totals().bytesSent };
}

function percentiles(values: number[]): { p50: number; p99: number } {
  if (values.length === 0 || values.some((v) => v < 0)) return { p50: -1, p99: -1 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);
  return { p50: at(0.5), p99: at(0.99) };
}

const results: Result[] = [];
for (const n of sizes.length > 0 ? sizes : [50, 200, 1000]) {
  const result = await run(n);
  results.push(result);
  console.error(`N=${n} done in ${result.wallSeconds}s wall`);
}

const s = (ms: number) => (ms < 0 ? "n/a" : (ms / 1000).toFixed(2));
console.log("| N | cluster forms (s) | join seen by all p50/p99 (s) | kill -> all failed p50/p99 (s) | per observer p50/p99 (s) | leave seen by all p50/p99 (s) | false failed | leave seen failed | UDP B/s per node | UDP+TCP B/s per node | pkts/s per node |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.n} | ${s(r.clusterFormMs)} | ${s(r.joinSeenByAllMs.p50)} / ${s(r.joinSeenByAllMs.p99)} | ${s(r.killAllFailedMs.p50)} / ${s(r.killAllFailedMs.p99)} | ${s(r.killPerObserverMs.p50)} / ${s(r.killPerObserverMs.p99)} | ${s(r.leaveSeenByAllMs.p50)} / ${s(r.leaveSeenByAllMs.p99)} | ${r.falseFailures} | ${r.leaveReportedFailed} | ${r.udpBytesPerSecPerNode} | ${r.bytesPerSecPerNode} | ${r.packetsPerSecPerNode} |`,
  );
}
mkdirSync(new URL("./out/", import.meta.url), { recursive: true });
writeFileSync(new URL("./out/sim.json", import.meta.url), `${JSON.stringify({ generatedAt: new Date().toISOString(), linkDelayMs: "1 + U[0,2)", results }, null, 2)}\n`);
