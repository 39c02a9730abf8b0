import { crc32 } from "../membership/wire/crc32.ts";
import { MsgpackWriter } from "../membership/wire/msgpack-writer.ts";
import type { Probe } from "../events/health-state.ts";
import { cutText, sanitizeName, sanitizeText } from "./probe-sync-fields.ts";
import { PROBE_SYNC_LIMITS as L, type SharedCheck, type SharedProbe } from "./probe-sync-messages.ts";
import { writeCheckContent } from "./probe-list-wire.ts";

/** A shared check before the owner gives it a seq. */
export type SharedCheckContent = Omit<SharedCheck, "seq">;

/**
 * This node's probes as they travel to other nodes: grouped per check in the node's order, at
 * most PROBE_SYNC_LIMITS.checksMax checks and probesMax probes, and each probe's text cut to
 * probeTextBytesMax: the code first, then the error, then the detail, and the checker data
 * only when it fits whole (cut base64 is no use). `/status?details` asks for the rest.
 */
export function shareProbes(probes: readonly Probe[]): SharedCheckContent[] {
  const byCheck = new Map<string, Probe[]>();
  for (const probe of probes) {
    const name = cutText(sanitizeName(probe.checker), L.checkNameBytesMax) || "?";
    const list = byCheck.get(name);
    if (list) list.push(probe);
    else byCheck.set(name, [probe]);
  }
  const out: SharedCheckContent[] = [];
  let total = 0;
  for (const [name, list] of byCheck) {
    const room = L.probesMax - total;
    if (out.length >= L.checksMax || room <= 0) break;
    const kept = list.slice(0, room);
    total += kept.length;
    out.push({ name, position: out.length, probes: kept.map(shareProbe) });
  }
  return out;
}

export function shareProbe(p: Probe): SharedProbe {
  const shared: SharedProbe = { status: p.status };
  if (p.status === "failed" && p.severity === "warning") shared.severity = "warning";
  let budget: number = L.probeTextBytesMax;
  const take = (text: string | undefined, max: number): string | undefined => {
    if (!text) return undefined;
    const cut = cutText(sanitizeText(text), Math.min(max, budget));
    budget -= Buffer.byteLength(cut);
    return cut || undefined;
  };
  const code = take(p.code, L.codeBytesMax);
  const error = take(p.error, budget);
  const detail = take(p.detail, budget);
  if (code) shared.code = code;
  if (error) shared.error = error;
  if (detail) shared.detail = detail;
  if (p.checker_data && p.checker_data.length <= budget && /^[A-Za-z0-9+/]*={0,2}$/.test(p.checker_data)) shared.checkerData = p.checker_data;
  return shared;
}

/** A shared probe as `/status` shows it. */
export function probeOf(checker: string, p: SharedProbe): Probe {
  const probe: Probe = { checker, status: p.status };
  if (p.error) probe.error = p.error;
  if (p.detail) probe.detail = p.detail;
  if (p.code) probe.code = p.code;
  if (p.severity) probe.severity = p.severity;
  if (p.checkerData) probe.checker_data = p.checkerData;
  return probe;
}

/** The bytes a check's content is compared and hashed by. */
export function checkContentBytes(check: SharedCheckContent): Uint8Array {
  const w = new MsgpackWriter(128);
  writeCheckContent(w, check);
  return w.bytes();
}

/**
 * The hash of an owner's list as of its change `seq` (CRC-32 of the epoch, the seq and the
 * checks' content sorted by name), which owner and receivers compute alike: equal hashes mean
 * the same process, the same changes seen and the same list, so a lost delta is noticed even
 * when the list looks the same again (a probe that failed and recovered). 0 before the first
 * change, which is also what a node with nothing to share sends.
 */
export function hashSharedChecks(epoch: number, seq: number, checks: Iterable<SharedCheckContent>): number {
  if (seq === 0) return 0;
  const sorted = [...checks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parts = sorted.map(checkContentBytes);
  const all = new Uint8Array(16 + parts.reduce((n, p) => n + p.length, 0));
  const view = new DataView(all.buffer);
  view.setFloat64(0, epoch);
  view.setFloat64(8, seq);
  let at = 16;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return crc32(all) || 1;
}

/**
 * How a check changed: "state" when a probe was added or removed or changed its status or
 * severity (goes out at once), "text" when only its text changed (goes out with the next
 * delta, or after a while), "none" otherwise.
 */
export function changeOf(before: SharedCheckContent | undefined, after: SharedCheckContent): "none" | "state" | "text" {
  if (!before || before.probes.length !== after.probes.length) return "state";
  for (let i = 0; i < after.probes.length; i++) {
    const a = before.probes[i] as SharedProbe;
    const b = after.probes[i] as SharedProbe;
    if (a.status !== b.status || a.severity !== b.severity) return "state";
  }
  return Buffer.compare(checkContentBytes(before), checkContentBytes(after)) === 0 ? "none" : "text";
}
