/**
 * Probe lists over gossip in the simulated network, with complete agents (AgentSim: startAgent
 * itself, one check each): how long until a failing probe's error text is on every other node
 * (p50 / p99 over every receiver of every trial), and what the probe lists cost in bytes per
 * node, in steady state and with churn (10 % of the nodes flapping one probe every 10 s),
 * beside all gossip bytes. Links 1-3 ms, no loss, no CPU limit.
 * Run: npx bun bench/gossip/probe-sync-sim.ts [N ...]   (default 50 200; writes bench/gossip/out/probe-sync-sim.json)
 */
import { isSatelliteMessage } from "../../src/cluster/probe-sync-messages.ts";
import type { GossipMessage } from "../../src/membership/messages.ts";
import { SimGossipNet } from "../../src/membership/sim-gossip-net.ts";
import type { SimNetwork } from "../../src/membership/sim-net.ts";
import { AgentSim, type SimAgent } from "../../test/sim/agent-sim.ts";
import { percentile, report } from "../support/report.ts";

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 1);
const TRIALS = 10;
const WINDOW_MS = 120_000;

/** Bytes of Satellite's own messages (payloads of probe deltas, list and details requests and replies), counted at the network. */
const satellite = { bytes: 0 };
function countSatelliteTraffic(network: SimNetwork): void {
  const route = network.routePacket.bind(network);
  network.routePacket = (from, to, msgs, size) => {
    if (Array.isArray(msgs)) for (const m of msgs as GossipMessage[]) if (m.type === "user" && isSatelliteMessage(m.payload)) satellite.bytes += m.payload.length;
    route(from, to, msgs, size);
  };
}
const sendStream = SimGossipNet.prototype.sendStream;
SimGossipNet.prototype.sendStream = async function (this: SimGossipNet, to, msg, options) {
  const ours = msg.type === "user" && isSatelliteMessage(msg.payload);
  if (ours) satellite.bytes += msg.payload.length;
  const reply = await sendStream.call(this, to, msg, options);
  if (ours && reply?.type === "user") satellite.bytes += reply.payload.length;
  return reply;
};

async function until(sim: AgentSim, cond: () => Promise<boolean> | boolean, limitMs: number, stepMs = 1000): Promise<number> {
  const start = sim.clock.monotonicMs();
  while (!(await cond())) {
    if (sim.clock.monotonicMs() - start > limitMs) throw new Error(`condition not met within ${limitMs} ms of simulated time`);
    await sim.clock.advance(stepMs);
  }
  return sim.clock.monotonicMs() - start;
}

async function measureBytes(sim: AgentSim, n: number, windowMs: number): Promise<{ allUdp: number; probeLists: number }> {
  const udp0 = sim.network.totals().bytesSent;
  const sat0 = satellite.bytes;
  await sim.clock.advance(windowMs);
  const perNode = (bytes: number) => bytes / n / (windowMs / 1000);
  return { allUdp: perNode(sim.network.totals().bytesSent - udp0), probeLists: perNode(satellite.bytes - sat0) };
}

async function run(n: number) {
  const wall = performance.now();
  const phase = (what: string) => console.error(`N=${n} ${what} at ${((performance.now() - wall) / 1000).toFixed(1)}s wall`);
  const sim = new AgentSim(n * 7 + 1);
  countSatelliteTraffic(sim.network);
  const agents: SimAgent[] = [await sim.start(0, "master")];
  for (let i = 1; i < n; i++) {
    agents.push(await sim.start(i, "node", [0]));
    if (i % 10 === 0) await sim.clock.advance(20);
  }
  phase("agents started");
  // Every agent holds every other agent's list (its one probe, running). Agents already seen
  // complete are not asked again: a /status of 200 nodes on 200 agents is not free.
  const complete = new Set<string>();
  const formed = await until(sim, async () => {
    for (const a of agents) {
      if (complete.has(a.name)) continue;
      const nodes = ((await (await a.request("/status")).json()) as { nodes?: { name: string; probes?: { checker: string }[] }[] }).nodes ?? [];
      if (nodes.filter((node) => node.probes?.some((p) => p.checker === "app")).length < n) {
        console.error(`N=${n} at ${sim.clock.monotonicMs()} ms simulated: ${complete.size} agents complete, ${a.name} has ${nodes.length} nodes`);
        return false;
      }
      complete.add(a.name);
    }
    return true;
  }, 300_000, 5000);
  phase(`every list everywhere after ${formed} ms`);
  await sim.clock.advance(60_000);

  const steady = await measureBytes(sim, n, WINDOW_MS);
  phase("steady state measured");

  // Churn: 10 % of the nodes flip one probe every 10 s.
  const flappers = agents.filter((_, i) => i % 10 === 5);
  let flapping = true;
  const flap = (on: boolean) => {
    if (!flapping) return;
    for (const a of flappers) a.appOutcome = on ? { status: "failed", error: `flapping on ${a.name}` } : { status: "running" };
    sim.clock.setTimer(10_000, () => flap(!on));
  };
  flap(true);
  const churn = await measureBytes(sim, n, WINDOW_MS);
  flapping = false;
  for (const a of flappers) a.appOutcome = { status: "running" };
  await sim.clock.advance(30_000);
  phase("churn measured");

  // Latency: a probe fails on one node; when does each other node have its error text?
  const latencies: number[] = [];
  for (let t = 0; t < TRIALS; t++) {
    const owner = agents[(t * 17 + 3) % n] as SimAgent;
    const text = `trial ${t}: volume /data is 97% full`;
    const seenAt = new Map<string, number>();
    const stops = agents
      .filter((a) => a !== owner)
      .map((a) =>
        a.agent.events.subscribe("bench", (e) => {
          if (e.type === "ProbeFailed" && e.node === owner.name && e.error === text && !seenAt.has(a.name)) seenAt.set(a.name, sim.clock.nowMs());
        }),
      );
    let failedAt: number | undefined;
    const stopOwn = owner.agent.events.subscribe("bench", (e) => {
      if (e.type === "ProbeFailed" && e.node === owner.name) failedAt = e.ts;
    });
    owner.appOutcome = { status: "failed", error: text };
    await until(sim, () => seenAt.size === n - 1, 60_000, 50);
    for (const at of seenAt.values()) latencies.push(at - (failedAt as number));
    for (const stop of [...stops, stopOwn]) stop();
    owner.appOutcome = { status: "running" };
    await sim.clock.advance(15_000);
  }
  phase("latency measured");
  await sim.stopAll();
  return {
    n,
    "text everywhere p50 ms": percentile(latencies, 50).toFixed(1),
    "p99 ms": percentile(latencies, 99).toFixed(1),
    "max ms": Math.max(...latencies).toFixed(1),
    "steady: all UDP B/s/node": steady.allUdp.toFixed(0),
    "steady: probe lists B/s/node": steady.probeLists.toFixed(1),
    "churn: all UDP B/s/node": churn.allUdp.toFixed(0),
    "churn: probe lists B/s/node": churn.probeLists.toFixed(1),
    "wall s": ((performance.now() - wall) / 1000).toFixed(0),
  };
}

const rows = [];
for (const n of sizes.length > 0 ? sizes : [50, 200]) rows.push(await run(n));
report("probe lists over gossip (simulation, complete agents)", rows, `${import.meta.dir}/out/probe-sync-sim.json`, {
  trials: TRIALS,
  windowMs: WINDOW_MS,
  note: "bytes are message bodies as the real codec encodes them, uncompressed and unencrypted, no IP/UDP headers; probe lists = payloads of Satellite's own messages (UDP deltas and stream catch-ups)",
});
process.exit(0);
