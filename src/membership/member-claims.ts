import type { VersionVector } from "./messages.ts";
import { isIpLiteral } from "./wire/ip.ts";

/**
 * What a node claims about itself or another node (alive messages, push/pull node states),
 * checked before it may enter the member table. A claim that fails is dropped and counted by
 * reason; it never reaches the table, so it can never poison push/pull or the status.
 */
export const CLAIM_REJECT_REASONS = [
  "invalid_name",
  "invalid_address",
  "invalid_port",
  "invalid_meta",
  "invalid_version",
  "implausible_incarnation",
  "table_full",
] as const;
export type ClaimRejectReason = (typeof CLAIM_REJECT_REASONS)[number];

/**
 * Longest node name accepted from the network, in UTF-8 bytes: a DNS name fits (253), and the
 * name is repeated in every message about the node.
 */
export const NODE_NAME_MAX_BYTES = 255;

/** C0 and C1 control characters, DEL and the Unicode line separators: nothing a log or terminal should get raw. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const encoder = new TextEncoder();

export interface AliveClaim {
  node: string;
  addr: string;
  port: number;
  meta: Uint8Array;
  vsn: VersionVector;
}

export interface ClaimLimits {
  metaMaxBytes: number;
  /** The layer above's check of the meta (serf: decodable tags); a message when it is invalid. */
  validateMeta?: (meta: Uint8Array) => string | undefined;
}

export function newClaimCounts(): Record<ClaimRejectReason, number> {
  return Object.fromEntries(CLAIM_REJECT_REASONS.map((r) => [r, 0])) as Record<ClaimRejectReason, number>;
}

/** A node name fit for the table and the logs: 1..255 UTF-8 bytes, no control characters. */
export function isValidNodeName(name: string): boolean {
  if (name.length === 0 || name.length > NODE_NAME_MAX_BYTES || CONTROL_CHARS.test(name)) return false;
  return name.length * 3 <= NODE_NAME_MAX_BYTES || encoder.encode(name).length <= NODE_NAME_MAX_BYTES;
}

/**
 * An address peers can send to: an IP literal that is neither unspecified, broadcast nor
 * multicast ("" comes from an empty Addr field on the wire).
 */
export function isUsableAddress(ip: string): boolean {
  if (!isIpLiteral(ip)) return false;
  if (ip === "0.0.0.0" || ip === "255.255.255.255" || ip === "::" || /^::ffff:0\.0\.0\.0$/i.test(ip)) return false;
  if (ip.includes(":")) return !/^ff[0-9a-f]{2}:/i.test(ip);
  const first = Number(ip.slice(0, ip.indexOf(".")));
  return first < 224 || first > 239;
}

/**
 * memberlist's version check: a vector that is present must have 0 < pMin <= pMax; all zeros
 * is what an absent Vsn field decodes to and is accepted, as memberlist accepts a missing one.
 */
export function isValidVersion(vsn: VersionVector): boolean {
  if (vsn.every((v) => v === 0)) return true;
  const [pMin, pMax] = vsn;
  return pMin > 0 && pMax > 0 && pMin <= pMax;
}

/** The reason an alive claim is refused, or undefined when every field is usable. */
export function checkAliveClaim(claim: AliveClaim, limits: ClaimLimits): ClaimRejectReason | undefined {
  if (!isValidNodeName(claim.node)) return "invalid_name";
  if (!isUsableAddress(claim.addr)) return "invalid_address";
  if (!Number.isInteger(claim.port) || claim.port < 1 || claim.port > 0xffff) return "invalid_port";
  if (claim.meta.length > limits.metaMaxBytes || limits.validateMeta?.(claim.meta) !== undefined) return "invalid_meta";
  if (!isValidVersion(claim.vsn)) return "invalid_version";
  return undefined;
}
