import { parseCondition } from "../checkers/_condition.ts";
import { evaluateWithHost, truthy } from "../checkers/_expr-eval.ts";
import { createHostFunctions } from "../checkers/_host-functions.ts";
import { ConfigError } from "../config/config-error.ts";
import type { DetectorConfig } from "../config/detectors-schema.ts";
import { parseDurationMs } from "../config/duration.ts";
import { tagsTooLarge } from "../config/tag-limits.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { HostFacts } from "../platform/host-facts.ts";
import type { Logger } from "../platform/logger.ts";

/** One detector as `GET /detectors` shows it. */
export interface DetectorState {
  name: string;
  applyIf: string;
  tags: Record<string, string>;
  intervalMs: number;
  /** Whether its condition held at the last run (absent before the first run or after an error on the first). */
  applies?: boolean;
  /** Wall-clock time of the last run, Unix ms. */
  lastRunAtMs?: number;
  /** Why the last run failed (the last result is kept), or why its tags are not gossiped. */
  error?: string;
}

export interface DetectorsDeps {
  nodeName: string;
  detectors: readonly DetectorConfig[];
  /** The node's static tags (`--tags`); detected tags never replace them. */
  staticTags: Readonly<Record<string, string>>;
  facts: HostFacts;
  clock: Clock;
  logger: Logger;
  events: EventStream;
  /** Called with every detected tag after each change (gossips them). */
  onChange: (detected: Record<string, string>) => void;
}

export interface Detectors {
  /** Evaluates every detector once; resolves when done. Call before the checks are planned. */
  runAll(): Promise<void>;
  /** Evaluates each detector again on its interval, never overlapping itself. */
  start(): void;
  stop(): void;
  /** The detected tags now. */
  tags(): Record<string, string>;
  list(): DetectorState[];
}

/**
 * Detectors (docs/detectors.md): conditions over the host that set tags. The first detector in
 * the file that applies wins a key; tags that would not fit serf's node meta beside the static
 * ones are dropped, last detector first, with the reason in its state and the log.
 */
export function createDetectors(deps: DetectorsDeps): Detectors {
  const conflicts = deps.detectors.flatMap((d, index) =>
    Object.keys(d.tags)
      .filter((key) => Object.hasOwn(deps.staticTags, key))
      .map((key) => ({ source: "configuration", path: `detectors[${index}].tags.${key}`, message: `tag "${key}" is also a static tag (--tags); a detector may not replace it: remove one of them` })),
  );
  if (conflicts.length > 0) throw new ConfigError(conflicts);
  const entries = deps.detectors.map((d) => ({
    config: d,
    expr: parseCondition(d.applyIf).expr,
    state: { name: d.name, applyIf: d.applyIf, tags: { ...d.tags }, intervalMs: parseDurationMs(d.interval) ?? 30_000 } as DetectorState,
    dropped: undefined as string | undefined,
    timer: undefined as Timer | undefined,
  }));
  let detected: Record<string, string> = {};
  let stopped = false;
  const logger = deps.logger.child({ part: "detectors" });

  const recompute = (): void => {
    const next: Record<string, string> = {};
    for (const entry of entries) {
      entry.dropped = undefined;
      if (!entry.state.applies) continue;
      const add = Object.fromEntries(Object.entries(entry.config.tags).filter(([key]) => !Object.hasOwn(next, key)));
      const tooLarge = tagsTooLarge({ ...deps.staticTags, ...next, ...add });
      if (tooLarge) {
        entry.dropped = `tags not gossiped: with them, ${tooLarge}`;
        logger.warn("detected tags dropped: they do not fit serf's node meta", { detector: entry.config.name, reason: tooLarge });
        continue;
      }
      Object.assign(next, add);
    }
    const set = Object.fromEntries(Object.entries(next).filter(([key, value]) => detected[key] !== value));
    const removed = Object.keys(detected).filter((key) => !Object.hasOwn(next, key));
    if (Object.keys(set).length === 0 && removed.length === 0) return;
    detected = next;
    deps.events.publish({ type: "TagsChanged", node: deps.nodeName, tags: { ...next }, set, removed });
    deps.onChange({ ...next });
  };

  const evaluateOne = async (entry: (typeof entries)[number], host: ReturnType<typeof createHostFunctions>): Promise<void> => {
    try {
      entry.state.applies = truthy(await evaluateWithHost(entry.expr, host));
      entry.state.error = undefined;
    } catch (error) {
      entry.state.error = `applyIf could not be evaluated: ${describeError(error)}`;
      logger.warn("detector failed; its last result is kept", { detector: entry.config.name, error: describeError(error) });
    }
    entry.state.lastRunAtMs = deps.clock.nowMs();
  };
  const hostFunctions = () => createHostFunctions(deps.facts, () => ({ ...deps.staticTags, ...detected }));

  const arm = (entry: (typeof entries)[number]): void => {
    if (stopped) return;
    entry.timer = deps.clock.setTimer(entry.state.intervalMs, () => {
      void evaluateOne(entry, hostFunctions()).then(() => {
        if (stopped) return;
        recompute();
        arm(entry);
      });
    });
  };

  return {
    async runAll() {
      // One set of host functions: the process list and ports are read once for the whole pass.
      const host = hostFunctions();
      for (const entry of entries) await evaluateOne(entry, host);
      recompute();
    },
    start() {
      for (const entry of entries) arm(entry);
    },
    stop() {
      stopped = true;
      for (const entry of entries) entry.timer?.cancel();
    },
    tags: () => ({ ...detected }),
    list: () => entries.map((e) => ({ ...e.state, tags: { ...e.state.tags }, ...(e.dropped && !e.state.error ? { error: e.dropped } : {}) })),
  };
}
