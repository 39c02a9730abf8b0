import { z } from "zod";
import { CONFIG_BOUNDS as B } from "./bounds.ts";
import { formatDurationMs, parseDurationMs } from "./duration.ts";
import { applyIfSchema } from "./apply-on-schema.ts";

/** Detectors at most; each is evaluated on its own interval. */
export const DETECTORS_MAX = 64;
/** Tags one detector sets at most (all detected tags must also fit serf's node meta). */
export const DETECTOR_TAGS_MAX = 16;
export const DETECTOR_INTERVAL_MIN_MS = 1000;
export const DETECTOR_INTERVAL_MAX_MS = 86_400_000;

/** Keys detectors may not set: the role decides the built-in checks at start; `sat*` are Satellite's own tags. */
export function reservedDetectorTag(key: string): string | undefined {
  if (key === "role") return `detectors cannot set the role tag (it decides the built-in checks when the agent starts); set it with --tags`;
  if (key.startsWith("sat")) return `tag "${key}": keys starting with "sat" are Satellite's own`;
  return undefined;
}

const detectorTags = () =>
  z.record(z.string().min(1).max(B.tagKeyLengthMax).regex(/^[A-Za-z0-9_./-]+$/, "use letters, digits, '_', '.', '/' or '-'"), z.string().min(1, "a tag needs a value").max(256)).superRefine((tags, ctx) => {
    const keys = Object.keys(tags);
    if (keys.length === 0) ctx.addIssue({ code: "custom", message: "a detector sets at least one tag" });
    if (keys.length > DETECTOR_TAGS_MAX) ctx.addIssue({ code: "custom", message: `at most ${DETECTOR_TAGS_MAX} tags per detector` });
    for (const key of keys) {
      const reserved = reservedDetectorTag(key);
      if (reserved) ctx.addIssue({ code: "custom", path: [key], message: reserved });
    }
  });

const interval = () =>
  z
    .string()
    .max(B.durationLengthMax)
    .default("30s")
    .superRefine((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === undefined) ctx.addIssue({ code: "custom", message: `"${value}" is not a duration; use e.g. 10s, 30s, 5m` });
      else if (ms < DETECTOR_INTERVAL_MIN_MS || ms > DETECTOR_INTERVAL_MAX_MS) ctx.addIssue({ code: "custom", message: `"${value}" is out of range: from ${formatDurationMs(DETECTOR_INTERVAL_MIN_MS)} to ${formatDurationMs(DETECTOR_INTERVAL_MAX_MS)}` });
    });

/** One `detectors:` entry (docs/detectors.md). */
export function detectorSchema() {
  return z.strictObject({
    name: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/i, "use letters, digits, '.', '_' or '-'"),
    applyIf: applyIfSchema(),
    tags: detectorTags(),
    interval: interval(),
  });
}

export function detectorsSchema() {
  return z
    .array(detectorSchema())
    .max(DETECTORS_MAX, `at most ${DETECTORS_MAX} detectors`)
    .superRefine((list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((d, index) => {
        const earlier = seen.get(d.name);
        if (earlier !== undefined) ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicate detector name "${d.name}" (also detectors[${earlier}]); names must be unique` });
        seen.set(d.name, index);
      });
    });
}

export type DetectorConfig = z.output<ReturnType<typeof detectorSchema>>;
