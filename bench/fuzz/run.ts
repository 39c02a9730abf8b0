/**
 * Fuzz bench: real agents (dist/satellite) get at least a million random and mutated gossip
 * packets of every message type, plaintext and encrypted (right key, wrong key), plus hostile
 * TCP streams, in bounded bursts. Two small clusters: p1+p2 without a key, e1+e2 with one;
 * p1 and e1 are fuzzed. Reports crashes (must be 0), RSS before and after, /livez latency
 * during the run, whether each cluster stayed whole, and the agents' drop counters; prints a
 * table and writes JSON to bench/fuzz/out/fuzz.json.
 *
 * Runs as root in a network namespace of its own (only `lo`): nothing it sends, and nothing
 * the agents answer to forged addresses, can leave the machine.
 * Build first: node_modules/.bin/bun scripts/build.ts
 * Usage: bun bench/fuzz/run.ts [--packets=1000000] [--streams=4000] [--burst=400] [--pause-ms=20]
 *        [--stream-concurrency=24] [--seed=1] [--binary=dist/satellite]
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createKeyring } from "../../src/membership/wire/index.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { report } from "../support/report.ts";
import { aliveMembers, gossipCounters, rss, sampleLivez, startAgent, type FuzzAgent } from "./agents.ts";
import { createPacketFuzzer, type PacketTarget } from "./packet-fuzzer.ts";
import { createStreamFuzzer, runStream } from "./stream-fuzzer.ts";

const argv = process.argv.slice(2);
const args = Object.fromEntries(argv.map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const num = (name: string, fallback: number): number => Number(args[name] ?? fallback);

if (process.env.SATELLITE_FUZZ_NETNS !== "1") {
  if (process.getuid?.() !== 0 || !Bun.which("unshare") || !Bun.which("ip")) {
    console.error("bench/fuzz/run.ts: needs root, unshare and ip: it runs in a network namespace of its own so nothing leaves loopback");
    process.exit(2);
  }
  const child = Bun.spawn(["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', process.execPath, import.meta.path, ...argv], {
    env: { ...process.env, SATELLITE_FUZZ_NETNS: "1" },
    stdio: ["inherit", "inherit", "inherit"],
  });
  process.exit(await child.exited);
}

const options = {
  packets: num("packets", 1_000_000),
  streams: num("streams", 4000),
  burst: num("burst", 400),
  pauseMs: num("pause-ms", 20),
  streamConcurrency: num("stream-concurrency", 24),
  seed: num("seed", 1),
};
const binary = resolve(args.binary ?? join(import.meta.dir, "../../dist/satellite"));
if (!existsSync(binary)) {
  console.error(`bench/fuzz/run.ts: ${binary} not found; build it with: node_modules/.bin/bun scripts/build.ts`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "satellite-fuzz-"));
const agents: FuzzAgent[] = [];
const log = (line: string): void => console.log(`[fuzz ${new Date().toISOString().slice(11, 19)}] ${line}`);
process.on("exit", () => {
  for (const a of agents) a.proc.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const loadAtStart = loadavg().map((l) => Number(l.toFixed(1)));
const keyBytes = crypto.getRandomValues(new Uint8Array(32));
const keyBase64 = Buffer.from(keyBytes).toString("base64");
const p1 = await startAgent(binary, work, "p1", {});
const p2 = await startAgent(binary, work, "p2", { join: p1 });
const e1 = await startAgent(binary, work, "e1", { keyBase64 });
const e2 = await startAgent(binary, work, "e2", { keyBase64, join: e1 });
agents.push(p1, p2, e1, e2);
/** Both real members see each other alive (forged members may still be listed until they time out). */
const whole = async (a: FuzzAgent, b: FuzzAgent): Promise<boolean> => {
  const [seenByA, seenByB] = [await aliveMembers(a), await aliveMembers(b)];
  return [a.name, b.name].every((n) => seenByA.includes(n) && seenByB.includes(n));
};
for (const [a, b] of [[p1, p2], [e1, e2]] as const) {
  const started = performance.now();
  while (!(await whole(a, b))) {
    if (performance.now() - started > 30_000) throw new Error(`${a.name} and ${b.name} did not see each other within 30 s`);
    await Bun.sleep(200);
  }
}
await Bun.sleep(3000);
const rssBefore = Object.fromEntries(agents.map((a) => [a.name, rss(a)]));
log(`agents up; RSS MiB ${JSON.stringify(rssBefore)}`);

interface Target {
  agent: FuzzAgent;
  packet: ReturnType<typeof createPacketFuzzer>;
  stream: ReturnType<typeof createStreamFuzzer>;
  sent: number;
  refusedBySocket: number;
  streams: number;
  kinds: Map<string, number>;
}
const wrongKeyring = createKeyring([crypto.getRandomValues(new Uint8Array(32))]);
const makeTarget = (agent: FuzzAgent, peer: FuzzAgent, keyring: PacketTarget["keyring"], seed: number): Target => {
  const spec: PacketTarget = { names: [agent.name, peer.name], ports: [agent.gossipPort, peer.gossipPort], keyring, wrongKeyring };
  return { agent, packet: createPacketFuzzer(createSeededRandom(seed), spec), stream: createStreamFuzzer(createSeededRandom(seed + 1), spec), sent: 0, refusedBySocket: 0, streams: 0, kinds: new Map() };
};
const targets = [makeTarget(p1, p2, undefined, options.seed * 100), makeTarget(e1, e2, createKeyring([keyBytes]), options.seed * 100 + 50)];
const livez = new Map(targets.map((t) => [t.agent.name, sampleLivez(t.agent, 100)]));
const udp = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });

const bursts = Math.ceil(options.packets / options.burst);
const streamsPerBurst = options.streams / bursts;
let streamCredit = 0;
let inflight = 0;
let sourceIndex = 0;
const streamsDone: Promise<unknown>[] = [];
const crashes: { agent: string; exitCode: number | null; atPacket: number }[] = [];
const startedAt = performance.now();
for (let b = 0; b < bursts; b++) {
  const target = targets[b % targets.length] as Target;
  if (target.agent.proc.exitCode !== null) continue;
  for (let i = 0; i < options.burst; i++) {
    const { kind, bytes } = target.packet();
    if (udp.send(bytes, target.agent.gossipPort, "127.0.0.1")) target.sent++;
    else target.refusedBySocket++;
    const base = kind.split("+")[0] as string;
    target.kinds.set(base, (target.kinds.get(base) ?? 0) + 1);
  }
  streamCredit += streamsPerBurst;
  while (streamCredit >= 1 && inflight < options.streamConcurrency) {
    streamCredit--;
    inflight++;
    target.streams++;
    const source = `127.0.${Math.floor(sourceIndex / 200)}.${(sourceIndex++ % 200) + 2}`;
    streamsDone.push(runStream(target.agent.gossipPort, target.stream(), source).finally(() => inflight--));
  }
  await Bun.sleep(options.pauseMs);
  for (const a of agents) {
    if (a.proc.exitCode !== null && !crashes.some((c) => c.agent === a.name)) {
      crashes.push({ agent: a.name, exitCode: a.proc.exitCode, atPacket: targets.reduce((s, t) => s + t.sent, 0) });
      log(`CRASH: ${a.name} exited with ${a.proc.exitCode}`);
    }
  }
  if (b % 250 === 0) log(`${b}/${bursts} bursts, ${targets.map((t) => `${t.agent.name}: ${t.sent} packets ${t.streams} streams`).join(", ")}, ${inflight} streams open`);
}
await Promise.all(streamsDone);
const fuzzSeconds = (performance.now() - startedAt) / 1000;
const liveStats = new Map<string, Awaited<ReturnType<ReturnType<typeof sampleLivez>["stop"]>>>();
for (const [name, sampler] of livez) liveStats.set(name, await sampler.stop());
udp.close();
// Forged but believable claims (right names, incarnations within bounds, the right key for e1)
// can disturb a cluster while they come; what counts is that it heals once they stop.
log(`fuzzing done in ${fuzzSeconds.toFixed(0)} s; waiting for each cluster to be whole again (at most 120 s)`);
const healSeconds = new Map<string, number>();
const settleStart = performance.now();
for (const t of targets) {
  const peer = t.agent === p1 ? p2 : e2;
  while (performance.now() - settleStart < 120_000 && t.agent.proc.exitCode === null && peer.proc.exitCode === null) {
    if (await whole(t.agent, peer).catch(() => false)) {
      healSeconds.set(t.agent.name, Number(((performance.now() - settleStart) / 1000).toFixed(1)));
      break;
    }
    await Bun.sleep(500);
  }
}

const rows: Record<string, string | number>[] = [];
const details: Record<string, unknown> = {};
for (const t of targets) {
  const peer = t.agent === p1 ? p2 : e2;
  const live = liveStats.get(t.agent.name) as NonNullable<ReturnType<typeof liveStats.get>>;
  const alive = t.agent.proc.exitCode === null;
  const counters = alive ? await gossipCounters(t.agent) : {};
  const healed = healSeconds.get(t.agent.name);
  const dropped = Object.entries(counters).filter(([k]) => /dropped|rejected|failures/.test(k)).reduce((s, [, v]) => s + v, 0);
  rows.push({
    agent: t.agent.name,
    key: t.agent === e1 ? "yes" : "no",
    packets: t.sent,
    streams: t.streams,
    crashes: crashes.filter((c) => c.agent === t.agent.name || c.agent === peer.name).length,
    "RSS before MiB": rssBefore[t.agent.name] as number,
    "RSS after MiB": alive ? rss(t.agent) : "-",
    "livez p50 ms": live.p50Ms,
    "livez p99 ms": live.p99Ms,
    "livez max ms": live.maxMs,
    "livez failed": live.failures,
    "whole again after s": healed ?? "NO",
    "members listed": alive ? (await aliveMembers(t.agent)).length : "-",
    "drops counted": dropped,
  });
  details[t.agent.name] = { livez: live, counters, kinds: Object.fromEntries(t.kinds), refusedBySocket: t.refusedBySocket, peerRssAfterMiB: peer.proc.exitCode === null ? rss(peer) : undefined, peerRssBeforeMiB: rssBefore[peer.name] };
}
const load = loadavg().map((l) => Number(l.toFixed(1)));
log(`machine load average (1, 5, 15 min): ${load.join(", ")} on ${availableParallelism()} CPUs`);
report(`fuzz: ${targets.reduce((s, t) => s + t.sent, 0)} packets and ${targets.reduce((s, t) => s + t.streams, 0)} streams in ${fuzzSeconds.toFixed(0)} s`, rows, join(import.meta.dir, "out/fuzz.json"), { options, crashes, details, loadAverage: load, loadAverageAtStart: loadAtStart, cpus: availableParallelism() });
for (const t of targets) {
  const counters = (details[t.agent.name] as { counters: Record<string, number> }).counters;
  console.log(`\n${t.agent.name} counters:`);
  for (const [k, v] of Object.entries(counters).sort()) console.log(`  ${k} ${v}`);
}
for (const a of agents) a.proc.kill("SIGTERM");
await Promise.all(agents.map((a) => a.proc.exited));
process.exit(crashes.length > 0 || rows.some((r) => r["whole again after s"] === "NO") ? 1 : 0);
