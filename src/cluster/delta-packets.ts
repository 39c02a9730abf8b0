import type { LocalDelta } from "./local-probe-list.ts";
import { PROBE_SYNC_LIMITS as L, type ProbeDeltaMessage, type SharedCheck, type SharedTransition } from "./probe-sync-messages.ts";
import { encodeSatelliteMessage } from "./probe-sync-wire.ts";

/**
 * One published delta as the payloads of UDP packets, each at most `budgetBytes`: one packet
 * when it fits, else its checks and transitions spread over up to deltaPartsMax packets (each
 * a delta of the same range, `part` of `parts`). When even that does not fit (a check's probes
 * alone exceed a packet), one announcement with no changes (`parts` 0) tells receivers to pull.
 */
export function deltaPayloads(owner: string, epoch: number, delta: LocalDelta, budgetBytes: number): Uint8Array[] {
  const head = { type: "probeDelta" as const, owner, epoch, base: delta.base, seq: delta.seq, hash: delta.hash };
  const encode = (part: number, parts: number, checks: SharedCheck[], transitions: SharedTransition[]) =>
    encodeSatelliteMessage({ ...head, part, parts, checks, transitions } satisfies ProbeDeltaMessage);
  const whole = encode(0, 1, delta.checks, delta.transitions);
  if (whole.length <= budgetBytes) return [whole];

  const empty = encode(0, L.deltaPartsMax, [], []).length;
  const items: ({ check: SharedCheck } | { transition: SharedTransition })[] = [
    ...delta.checks.map((check) => ({ check })),
    ...delta.transitions.map((transition) => ({ transition })),
  ];
  const groups: { checks: SharedCheck[]; transitions: SharedTransition[] }[] = [];
  let group = { checks: [] as SharedCheck[], transitions: [] as SharedTransition[] };
  // Array headers grow by a few bytes past 15 items: keep that much spare.
  const spare = 4;
  let used = empty + spare;
  for (const item of items) {
    const size = "check" in item ? encode(0, L.deltaPartsMax, [item.check], []).length - empty : encode(0, L.deltaPartsMax, [], [item.transition]).length - empty;
    if (empty + spare + size > budgetBytes) return [encode(0, 0, [], [])];
    if (used + size > budgetBytes) {
      groups.push(group);
      group = { checks: [], transitions: [] };
      used = empty + spare;
    }
    if ("check" in item) group.checks.push(item.check);
    else group.transitions.push(item.transition);
    used += size;
  }
  groups.push(group);
  if (groups.length > L.deltaPartsMax) return [encode(0, 0, [], [])];
  return groups.map((g, i) => encode(i, groups.length, g.checks, g.transitions));
}
