/**
 * Incarnation numbers are u32 on the wire (memberlist's `uint32`). Every arithmetic on them
 * stays inside that range, and a claim from the network may move a known node's incarnation
 * forward only by a bounded step, so one forged message cannot push a node to the top of the
 * range, where it could never refute again.
 */

/** The largest incarnation the wire carries. */
export const INCARNATION_MAX = 0xffff_ffff;

/**
 * The incarnation a refutation carries: beats both our own and the accused one, capped at
 * INCARNATION_MAX (memberlist's uint32 add would wrap to a small number instead, which peers
 * then ignore; a capped value at least stays encodable and ordered).
 */
export function refutingIncarnation(own: number, accused: number): number {
  return Math.min(INCARNATION_MAX, Math.max(own, accused) + 1);
}

/** Our next incarnation for a meta update; capped like refutingIncarnation. */
export function nextIncarnation(own: number): number {
  return Math.min(INCARNATION_MAX, own + 1);
}

/**
 * Whether `claimed`, heard about a node we know at `known`, is believable: at most
 * `jumpMax` ahead. Honest nodes raise their incarnation by one per refutation or meta
 * update, so an honest peer is never that far ahead of us; a claim further ahead is forged
 * or corrupt, and accepting it would leave the node unable to refute (its answer would be
 * `claimed + 1`, itself beyond what every other peer believes).
 */
export function isPlausibleIncarnation(known: number, claimed: number, jumpMax: number): boolean {
  return claimed <= known + jumpMax;
}
