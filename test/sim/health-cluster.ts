import { createClusterMember, type ClusterMember } from "../../src/cluster/cluster-member.ts";
import type { ClusterStatusJson } from "../../src/cluster/status-json.ts";
import { decodeSerfMessage, decodeTags, encodeSerfMessage, encodeTags } from "../../src/cluster/serf-wire.ts";
import { lanConfig } from "../../src/membership/config-presets.ts";
import { SimNetwork } from "../../src/membership/sim-net.ts";
import type { Clock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import type { NodeStatus, Probe } from "../../src/events/health-state.ts";
import { createEventStream, type EventStream } from "../../src/events/event-stream.ts";
import { toTimelineEvent, type TimelineEvent } from "../../src/events/timeline-event.ts";
import { encodeMessage } from "../../src/membership/wire/index.ts";
import { HeapClock } from "./heap-clock.ts";

export interface HealthSimNode {
  name: string;
  ip: string;
  member: ClusterMember;
  health: { status: NodeStatus; probes: Probe[] };
  /** This node's wall clock runs this far ahead of the simulation's. */
  skewMs: number;
  /** The node's agent event stream. */
  stream: EventStream;
  /** What it keeps in its timeline (history). */
  events: TimelineEvent[];
  running: boolean;
}

/**
 * A simulated Satellite cluster: every node is the agent's own ClusterMember (serf layer,
 * health digest, ack clock, peer measurements, cluster view) over a seeded simulated network,
 * with the real serf wire codec, each with its own (skewable) wall clock.
 */
export class HealthSim {
  readonly clock = new HeapClock();
  readonly network: SimNetwork;
  readonly nodes = new Map<string, HealthSimNode>();
  private generation = 0;

  constructor(private readonly seed: number) {
    this.network = new SimNetwork({ clock: this.clock, random: createSeededRandom(seed), link: { delayMs: 1, jitterMs: 2 }, encodedSize: (m) => encodeMessage(m).length });
  }

  static ipOf(index: number): string {
    return `10.2.${Math.floor(index / 250)}.${(index % 250) + 1}`;
  }

  add(index: number, role: "master" | "node", skewMs = 0): HealthSimNode {
    const name = `node-${index}`;
    const ip = HealthSim.ipOf(index);
    const health = { status: "running" as NodeStatus, probes: [{ checker: "disk-space", status: "running" } as Probe] };
    const clock: Clock = {
      nowMs: () => this.clock.nowMs() + node.skewMs,
      monotonicMs: () => this.clock.monotonicMs(),
      setTimer: (ms, fn) => this.clock.setTimer(ms, fn),
    };
    const stream = createEventStream({ clock, logger: silentLogger });
    const node = { name, ip, health, skewMs, stream, events: [], running: true } as unknown as HealthSimNode;
    stream.subscribe("timeline", (event) => {
      const entry = toTimelineEvent(event);
      if (entry) node.events.push(entry);
    });
    node.member = createClusterMember(
      { membership: lanConfig(name), tags: { role }, stalenessLimitMs: 60_000, digestCoalesceMs: 200 },
      {
        net: this.network.createNet({ ip, port: 7946 }),
        clock,
        random: createSeededRandom(this.seed * 7919 + index * 31 + ++this.generation),
        logger: silentLogger,
        codec: { encode: encodeSerfMessage, decode: decodeSerfMessage },
        tagCodec: { encode: encodeTags, decode: decodeTags },
        health: () => node.health,
        events: stream,
      },
    );
    this.nodes.set(name, node);
    // Like an agent after its first probe run: publishes a first digest.
    void node.member.serf.start().then(() => this.publishRun(node));
    return node;
  }

  /** node-0 is the master; everyone joins it. */
  async startCluster(n: number): Promise<void> {
    this.add(0, "master");
    for (let i = 1; i < n; i++) void this.add(i, "node").member.serf.join([{ ip: HealthSim.ipOf(0), port: 7946 }]).catch(() => {});
  }

  setHealth(name: string, status: NodeStatus, probes: Probe[]): void {
    const node = this.nodes.get(name)!;
    const before = node.health.status;
    node.health = { status, probes };
    this.publishRun(node);
    if (status !== before && status !== "unknown") node.stream.publish({ type: status === "degraded" ? "NodeDegraded" : "NodeHealthy", node: name, oldState: before, newState: status });
  }

  /** What NodeHealth publishes after a run: the digest publisher and the view follow it. */
  private publishRun(node: HealthSimNode): void {
    const failed = node.health.probes.some((p) => p.status === "failed");
    node.stream.publish({ type: "ProbeRun", node: node.name, probe: "sim", checkKind: "sim", startedAtMs: this.clock.nowMs(), durationMs: 0, lagMs: 0, status: failed ? "failed" : "running", severity: "critical", outcomes: [] });
  }

  async kill(name: string): Promise<void> {
    const node = this.nodes.get(name)!;
    node.running = false;
    node.member.stop();
    await node.member.serf.shutdown();
  }

  running(): HealthSimNode[] {
    return [...this.nodes.values()].filter((n) => n.running);
  }

  statusOn(name: string): ClusterStatusJson {
    return this.nodes.get(name)!.member.view.status();
  }

  /** Every running node (or those named) answers /status with this status and summary. */
  allAgree(status: string, summary: string | RegExp, names?: string[]): boolean {
    const nodes = names ? names.map((n) => this.nodes.get(n)!) : this.running();
    return nodes.every((n) => {
      const s = n.member.view.status();
      return s.status === status && (typeof summary === "string" ? s.summary === summary : summary.test(s.summary ?? ""));
    });
  }

  /** Advances (ticking every member like the agent does) until `cond` holds; simulated ms taken, or -1 past `limitMs`. */
  async advanceUntil(cond: () => boolean, limitMs: number, stepMs = 250): Promise<number> {
    const start = this.clock.monotonicMs();
    while (!cond()) {
      if (this.clock.monotonicMs() - start >= limitMs) return -1;
      await this.clock.advance(stepMs);
      for (const n of this.running()) n.member.tick();
    }
    return this.clock.monotonicMs() - start;
  }
}
