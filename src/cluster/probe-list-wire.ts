import type { MsgpackWriter } from "../membership/wire/msgpack-writer.ts";
import type { ProbeStatus } from "../events/health-state.ts";
import { Fields, MessageError } from "./probe-sync-fields.ts";
import { PROBE_SYNC_LIMITS as L, type SharedCheck, type SharedProbe, type SharedTransition } from "./probe-sync-messages.ts";

/**
 * The bytes of a probe list's pieces, shared by deltas, list replies and node details: probes,
 * checks and transitions, each one msgpack map with one-letter keys (sorted, as the writer
 * wants them). Readers check every field against PROBE_SYNC_LIMITS and throw MessageError.
 */
const STATUS_CODE: Record<ProbeStatus, number> = { running: 0, failed: 1, terminated: 2 };
const CODE_STATUS: readonly ProbeStatus[] = ["running", "failed", "terminated"];
const U32 = 0xffffffff;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function writeList<V>(w: MsgpackWriter, items: readonly V[], write: (w: MsgpackWriter, item: V) => void): void {
  w.arrayHeader(items.length);
  for (const item of items) write(w, item);
}

/** The fields of a shared probe, sorted: c d e s w x. */
export function probeFields(p: SharedProbe): [string, ((w: MsgpackWriter) => void) | undefined][] {
  return [
    ["c", p.code ? (x) => x.str(p.code as string) : undefined],
    ["d", p.detail ? (x) => x.str(p.detail as string) : undefined],
    ["e", p.error ? (x) => x.str(p.error as string) : undefined],
    ["s", (x) => x.uint(STATUS_CODE[p.status])],
    ["w", p.severity === "warning" ? (x) => x.bool(true) : undefined],
    ["x", p.checkerData ? (x) => x.str(p.checkerData as string) : undefined],
  ];
}

/** A check without its seq: what the list hash covers. */
export function writeCheckContent(w: MsgpackWriter, c: Omit<SharedCheck, "seq">): void {
  w.struct([
    ["i", (x) => x.uint(c.position)],
    ["n", (x) => x.str(c.name)],
    ["p", (x) => writeList(x, c.probes, (y, p) => y.struct(probeFields(p)))],
  ]);
}

export function writeCheck(w: MsgpackWriter, c: SharedCheck): void {
  w.struct([
    ["i", (x) => x.uint(c.position)],
    ["n", (x) => x.str(c.name)],
    ["p", (x) => writeList(x, c.probes, (y, p) => y.struct(probeFields(p)))],
    ["q", (x) => x.uint(c.seq)],
  ]);
}

export function writeTransition(w: MsgpackWriter, t: SharedTransition): void {
  w.struct([
    ["e", t.error ? (x) => x.str(t.error as string) : undefined],
    ["f", (x) => x.bool(t.failed)],
    ["n", (x) => x.str(t.probe)],
    ["q", (x) => x.uint(t.seq)],
    ["t", (x) => x.float64(t.tsMs)],
    ["w", t.severity === "warning" ? (x) => x.bool(true) : undefined],
  ]);
}

export function readProbe(f: Fields, textMax: number): SharedProbe {
  const probe: SharedProbe = { status: CODE_STATUS[f.uint("s", CODE_STATUS.length - 1)] as ProbeStatus };
  if (f.bool("w")) probe.severity = "warning";
  const code = f.text("c", L.codeBytesMax);
  const error = f.text("e", textMax);
  const detail = f.text("d", textMax);
  const checkerData = f.text("x", textMax);
  if (code !== undefined) probe.code = code;
  if (error !== undefined) probe.error = error;
  if (detail !== undefined) probe.detail = detail;
  if (checkerData !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(checkerData)) throw new MessageError("checker data is not base64");
    probe.checkerData = checkerData;
  }
  return probe;
}

export function readChecks(f: Fields): SharedCheck[] {
  const names = new Set<string>();
  let probes = 0;
  return f.list("C", L.checksMax).map((value) => {
    const c = Fields.of(value, "check");
    const name = c.name("n", L.checkNameBytesMax);
    if (names.has(name)) throw new MessageError(`check ${JSON.stringify(name)} listed twice`);
    names.add(name);
    const list = c.list("p", L.probesMax).map((v) => {
      const probe = readProbe(Fields.of(v, "probe"), L.probeTextBytesMax);
      if (probeTextBytes(probe) > L.probeTextBytesMax) throw new MessageError(`probe text of check ${JSON.stringify(name)} over ${L.probeTextBytesMax} bytes`);
      return probe;
    });
    probes += list.length;
    if (probes > L.probesMax) throw new MessageError(`more than ${L.probesMax} probes`);
    return { name, position: c.uint("i", L.checksMax - 1), seq: c.uint("q", U32), probes: list };
  });
}

/** error + detail + code + checker_data of a probe, in UTF-8 bytes. */
function probeTextBytes(p: SharedProbe): number {
  let bytes = 0;
  for (const text of [p.code, p.error, p.detail, p.checkerData]) if (text) bytes += Buffer.byteLength(text);
  return bytes;
}

export function readTransitions(f: Fields): SharedTransition[] {
  return f.list("T", L.transitionsMax).map((value) => {
    const t = Fields.of(value, "transition");
    const tsMs = t.finite("t");
    if (tsMs === undefined || tsMs < 0 || tsMs > MAX_SAFE) throw new MessageError("transition time missing or outside 0..2^53");
    const transition: SharedTransition = {
      seq: t.uint("q", U32),
      tsMs,
      probe: t.name("n", L.checkNameBytesMax),
      failed: t.bool("f"),
      severity: t.bool("w") ? "warning" : "critical",
    };
    const error = t.text("e", L.transitionErrorBytesMax);
    if (error !== undefined) transition.error = error;
    return transition;
  });
}
