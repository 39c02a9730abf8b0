import { z } from "zod";
import { parseDurationMs } from "./duration.ts";
import { kvEtcdSchema } from "./kv-etcd-schema.ts";

const durationBetween = (minMs: number, maxMs: number, example: string) =>
  z
    .string()
    .max(32)
    .refine((text) => {
      const ms = parseDurationMs(text);
      return ms !== undefined && ms >= minMs && ms <= maxMs;
    }, `expected a duration between ${minMs} ms and ${maxMs} ms, e.g. ${example}`);

/**
 * The `kv` section (docs/kv.md). `backend` is also the flag --kv-backend. The replicated
 * store's timings are here; the etcd backend's connection settings sit beside them.
 */
export function kvSchema() {
  return z
    .strictObject({
      /** Off: no /kv routes answer and this node keeps no replicas (tag the nodes that do `kv=yes`). */
      enabled: z.boolean().default(true),
      backend: z.enum(["replicated", "etcd"]).default("replicated"),
      /**
       * How long a delete's tombstone is kept before it is purged. A replica that was away longer
       * than this may bring a deleted key back, so keep it above the longest partition you expect.
       */
      tombstoneRetention: durationBetween(60_000, 365 * 86_400_000, "7d").default("7d"),
      /** How often each node compares its keys with one replica peer (anti-entropy). */
      antiEntropyInterval: durationBetween(1000, 3_600_000, "10s").default("10s"),
      /** The etcd backend's connection (`backend: etcd`). */
      etcd: kvEtcdSchema().prefault({}),
    })
    .superRefine((kv, ctx) => {
      // Checked at load, so the agent stops before it joins the cluster rather than at the first call.
      if (kv.backend === "etcd" && kv.etcd.endpoints.length === 0) {
        ctx.addIssue({ code: "custom", path: ["etcd", "endpoints"], message: "kv.backend etcd needs the etcd client URLs: give --kv-etcd-endpoints http://HOST:2379,..." });
      }
    });
}

export type KvConfig = z.output<ReturnType<typeof kvSchema>>;

/**
 * What kvSchema() makes of an absent section, without building it: the agent's config takes
 * this when neither the file nor a flag gives a `kv` key (test/config/schema-sections-on-demand.test.ts
 * keeps the two equal).
 */
export function kvDefaults(): KvConfig {
  return { enabled: true, backend: "replicated", tombstoneRetention: "7d", antiEntropyInterval: "10s", etcd: { endpoints: [], prefix: "/satellite/kv/", requestTimeout: "5s" } };
}
