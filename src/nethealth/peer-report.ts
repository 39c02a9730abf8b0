import { z } from "zod";

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

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const milliseconds = z.number().min(0).max(3_600_000);

export const peerEchoReportSchema = z.object({
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
export type PeerEchoReport = z.output<typeof peerEchoReportSchema>;

export const nethealthReportSchema = z.object({
  /** The node this instance runs on. */
  node: z.string().min(1).max(NETHEALTH_NAME_CHARS_MAX),
  intervalMs: z.number().positive().max(3_600_000),
  timeoutMs: z.number().positive().max(3_600_000),
  windowProbes: z.number().int().min(1).max(100_000),
  peers: z.array(peerEchoReportSchema).max(NETHEALTH_PEERS_MAX),
});
export type NethealthReport = z.output<typeof nethealthReportSchema>;
