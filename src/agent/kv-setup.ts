import { join } from "node:path";
import type { ReadinessCheck } from "../api/api-deps.ts";
import type { ClusterMember } from "../cluster/cluster-member.ts";
import type { SatelliteMessageRoute } from "../cluster/satellite-channel.ts";
import { parseDurationMs } from "../config/duration.ts";
import type { AgentConfig } from "../config/load.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { KvBackend } from "../kv/kv-backend.ts";
import type { SatelliteMetrics } from "../metrics/index.ts";
import { KV_MESSAGE_FIRST, KV_MESSAGE_LAST } from "../kv/kv-messages.ts";
import { createMemoryReplicaStore } from "../kv/memory-replica-store.ts";
import { createReplicatedKv, DEFAULT_REPLICATED_KV_OPTIONS, type ReplicatedKv } from "../kv/replicated-kv.ts";
import { assertNever } from "../platform/assert-never.ts";
import { createEtcdKvBackendFromConfig } from "./kv-etcd-setup.ts";
import type { AgentPlatform } from "./platform-deps.ts";

/** The key-value store of one agent: its gossip route (given to startGossip) and, once gossip runs, the backend. */
export interface KvSetup {
  /** Key-value messages (0xd8..0xdd) on the gossip port; answered "not running" until `start`. */
  routes: SatelliteMessageRoute[];
  /** Builds the backend from the config (undefined when `kv.enabled` is false); call once, after gossip started. */
  start(member: ClusterMember): KvBackend | undefined;
  readiness(): ReadinessCheck[];
  /** Keeps the replicated store's counters in /metrics (after `start`; nothing for etcd). */
  observe(metrics: SatelliteMetrics): void;
}

/**
 * Wires the key-value store (docs/kv.md): `kv.backend` picks the replicated store (replicas in
 * `<state dir>/kv.db` through the platform, requests over the gossip port) or etcd. Every
 * change the backend learns of is published as KvChanged.
 */
export function prepareKv(config: AgentConfig, platform: AgentPlatform, events: EventStream): KvSetup {
  let replicated: ReplicatedKv | undefined;
  let backend: KvBackend | undefined;
  const routes: SatelliteMessageRoute[] =
    config.kv.enabled && config.kv.backend === "replicated"
      ? [
          {
            first: KV_MESSAGE_FIRST,
            last: KV_MESSAGE_LAST,
            handlers: {
              // Packets carry change notices only; everything else is a request over a stream.
              onPacket: (payload, from) => replicated?.onPacket(payload, from),
              onRequest: async (payload, from) => replicated?.onRequest(payload, from),
            },
          },
        ]
      : [];
  const build = (member: ClusterMember): KvBackend => {
    switch (config.kv.backend) {
      case "replicated": {
        const store = platform.openKvReplicaStore?.(join(config.stateDir, "kv.db")) ?? createMemoryReplicaStore();
        replicated = createReplicatedKv(
          {
            name: config.name,
            clock: platform.clock,
            random: platform.random,
            logger: platform.logger.child({ part: "kv" }),
            store,
            members: () => member.members(),
            request: (to, payload, timeoutMs) => member.satelliteRequest(to, payload, timeoutMs),
            notify: (to, payload) => member.satellitePacket(to, payload),
          },
          {
            ...DEFAULT_REPLICATED_KV_OPTIONS,
            tombstoneRetentionMs: parseDurationMs(config.kv.tombstoneRetention) ?? DEFAULT_REPLICATED_KV_OPTIONS.tombstoneRetentionMs,
            antiEntropyIntervalMs: parseDurationMs(config.kv.antiEntropyInterval) ?? DEFAULT_REPLICATED_KV_OPTIONS.antiEntropyIntervalMs,
          },
        );
        return replicated;
      }
      case "etcd":
        return createEtcdKvBackendFromConfig(config.kv.etcd, { clock: platform.clock });
      default:
        return assertNever(config.kv.backend, "key-value backend");
    }
  };
  return {
    routes,
    start(member) {
      if (!config.kv.enabled) return undefined;
      backend = build(member);
      backend.onChange((change) => events.publish({ type: "KvChanged", key: change.key, op: change.op, version: change.version, backend: config.kv.backend }));
      return backend;
    },
    observe(metrics) {
      const last: Record<string, number> = {};
      const delta = (name: string, now: number) => {
        const d = now - (last[name] ?? 0);
        last[name] = now;
        return d;
      };
      metrics.addCollector(() => {
        if (!replicated) return;
        const stats = replicated.stats();
        metrics.kvHints.set(undefined, stats.hintsHeld);
        metrics.kvRepairs.inc({ how: "read_repair" }, delta("readRepairs", stats.readRepairs));
        metrics.kvRepairs.inc({ how: "hint" }, delta("hintsDelivered", stats.hintsDelivered));
        metrics.kvRepairs.inc({ how: "anti_entropy" }, delta("antiEntropyRecords", stats.antiEntropyRecords));
        metrics.kvDropped.inc({ reason: "hints_full" }, delta("hintsDropped", stats.hintsDropped));
        metrics.kvDropped.inc({ reason: "malformed" }, delta("malformedMessages", stats.malformedMessages));
        metrics.kvDropped.inc({ reason: "notice_refused" }, delta("noticesDropped", stats.noticesDropped));
      });
    },
    readiness() {
      if (!backend) return [];
      const { problems } = backend.health();
      return [{ name: "kv", ok: problems.length === 0, message: problems.length ? problems.join("; ") : undefined }];
    },
  };
}
