// Fault -> notification received: three complete agents over the simulated network, a real
// webhook receiver on loopback. Each trial fails the `app` check of one node (round robin) and
// measures, in simulated time, from the fault to the request at the receiver, and from the
// detection (the node's ProbeFailed) to the request; then the node recovers.
// Run: bun bench/notify/sim.ts [trials]   (writes bench/notify/out/sim.json)
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentSim } from "../../test/sim/agent-sim.ts";
import { WebhookReceiver } from "../../test/notify/receivers.ts";

const trials = Number(process.argv[2] ?? 40);

class BenchSim extends AgentSim {
  constructor(private readonly root: string, private readonly hookUrl: string, private readonly quietPeriod: string) {
    super(3, { startWallMs: Date.now() });
  }
  protected override extraConfig(name: string): Record<string, unknown> {
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { stateDir: dir, notifiers: [{ name: "hook", kind: "webhook", url: this.hookUrl, events: ["ProbeFailed"], quietPeriod: this.quietPeriod }] };
  }
  async runUntil(cond: () => boolean, limitMs: number, stepMs = 10): Promise<number> {
    const start = this.clock.monotonicMs();
    while (!cond()) {
      if (this.clock.monotonicMs() - start >= limitMs) return -1;
      await this.clock.advance(stepMs);
      await Bun.sleep(0);
    }
    return this.clock.monotonicMs() - start;
  }
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

async function run(quietPeriod: string) {
  const hook = await WebhookReceiver.start();
  const sim = new BenchSim(mkdtempSync(join(tmpdir(), "satellite-notify-bench-")), hook.url, quietPeriod);
  const agents = [await sim.start(0, "master"), await sim.start(1, "node", [0]), await sim.start(2, "node", [0])];
  await sim.runUntil(() => agents.every((a) => a.events.some((e) => e.type === "ProbeRun") && a.events.filter((e) => e.type === "NodeAdded").length === 3), 30_000, 100);
  await sim.runUntil(() => false, 5000, 100);
  const toReceived: number[] = [];
  const detectToReceived: number[] = [];
  for (let i = 0; i < trials; i++) {
    const target = agents[i % 3]!;
    const before = hook.requests.length;
    const faultAt = sim.clock.nowMs();
    target.appOutcome = { status: "failed", error: `trial ${i}` };
    let receivedAt = 0;
    const waited = await sim.runUntil(() => {
      if (hook.requests.length > before && receivedAt === 0) receivedAt = sim.clock.nowMs();
      return receivedAt > 0;
    }, 60_000);
    if (waited < 0) throw new Error(`trial ${i}: no notification within 60 s`);
    const detected = target.events.findLast((e) => e.type === "ProbeFailed" && e.ts >= faultAt)?.ts ?? faultAt;
    toReceived.push(receivedAt - faultAt);
    detectToReceived.push(receivedAt - detected);
    target.appOutcome = { status: "running" };
    await sim.runUntil(() => false, 3000, 100);
  }
  await sim.stopAll();
  await hook.down();
  const stats = (xs: number[]) => ({ p50: Math.round(percentile(xs, 50)), p99: Math.round(percentile(xs, 99)), max: Math.round(Math.max(...xs)) });
  return { quietPeriod, trials, faultToReceivedMs: stats(toReceived), detectionToReceivedMs: stats(detectToReceived) };
}

const results = [await run("0s"), await run("1s")];
console.log("quiet  trials  fault->received p50/p99 (ms)  detection->received p50/p99 (ms)");
for (const r of results) console.log(`${r.quietPeriod.padEnd(6)} ${String(r.trials).padEnd(7)} ${r.faultToReceivedMs.p50}/${r.faultToReceivedMs.p99}`.padEnd(45) + `${r.detectionToReceivedMs.p50}/${r.detectionToReceivedMs.p99}`);
mkdirSync(new URL("./out/", import.meta.url).pathname, { recursive: true });
writeFileSync(new URL("./out/sim.json", import.meta.url).pathname, `${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
