import { z } from "zod";
import { schemaOnFirstUse } from "../config/schema-on-first-use.ts";

/**
 * What `satellite nethealth` serves at /peers and the agent's `overlay` check reads: one entry
 * per peer with loss and round trip over the last echoes. The schema is the contract of both
 * sides; the reader validates with it and with these bounds, since the report crosses a network.
 */

/** Most peers one instance echoes with (and one report lists). */
export const NETHEALTH_PEERS_MAX = 1024;
/** Largest report the reader accepts; a full one is about 300 bytes per peer. */
export const NETHEALTH_REPORT_BYTES_MAX = 1024 * 1024;
/** Node names are Kubernetes node names or host names. */
export const NETHEALTH_NAME_CHARS_MAX = 253;

function peerEchoReportSchema() {
  const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
  const milliseconds = z.number().min(0).max(3_600_000);
  return z.object({
    name: z.string().min(1).max(NETHEALTH_NAME_CHARS_MAX),
    /** ip:port echoed to. */
    addr: z.string().min(1).max(64),
    probesInWindow: count,
    lostInWindow: count,
    lossPercent: z.number().min(0).max(100).optional(),
    rttP50Ms: milliseconds.optional(),
    rttP95Ms: milliseconds.optional(),
    requestsTotal: count,
    repliesTotal: count,
    lostTotal: count,
    lateRepliesTotal: count,
  });
}
export type PeerEchoReport = z.output<ReturnType<typeof peerEchoReportSchema>>;

function buildNethealthReportSchema() {
  return z.object({
    /** The node this instance runs on. */
    node: z.string().min(1).max(NETHEALTH_NAME_CHARS_MAX),
    intervalMs: z.number().positive().max(3_600_000),
    timeoutMs: z.number().positive().max(3_600_000),
    windowProbes: z.number().int().min(1).max(100_000),
    peers: z.array(peerEchoReportSchema()).max(NETHEALTH_PEERS_MAX),
  });
}
export type NethealthReport = z.output<ReturnType<typeof buildNethealthReportSchema>>;

/** Kept once built: the overlay check validates a report on every run. */
export const nethealthReportSchema = schemaOnFirstUse(buildNethealthReportSchema);
