import { digestOf, encodeDigestTags } from "./health-digest.ts";
import type { TagCodec } from "./serf-messages.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { NodeStatus, Probe } from "../events/health-state.ts";

/** serf's limit on node meta (tags), bytes. */
const META_LIMIT_BYTES = 512;
/** Space kept free in the meta for msgpack framing of the two digest tags. */
const META_FRAMING_BYTES = 16;

export interface DigestPublisherDeps {
  clock: Clock;
  logger: Logger;
  tagCodec: TagCodec;
  /** The operator's tags; the digest tags are added to them. */
  userTags: Record<string, string>;
  setTags: (tags: Record<string, string>) => Promise<void>;
  health: () => { status: NodeStatus; probes: Probe[] };
  /** Changes within this window go out as one update. */
  coalesceMs: number;
}

/**
 * Publishes this node's health digest in its gossip tags whenever status or the set of
 * failing checks changes (not on every run: a digest costs an alive broadcast cluster-wide).
 */
export function createDigestPublisher(deps: DigestPublisherDeps) {
  let lastKey = "";
  let pending: Timer | undefined;
  let userTags = deps.userTags;
  const budgetFor = (tags: Record<string, string>): number => META_LIMIT_BYTES - deps.tagCodec.encode(tags).length - META_FRAMING_BYTES;
  let budget = budgetFor(userTags);

  const tagsFor = (status: NodeStatus, probes: Probe[]): Record<string, string> => ({
    ...userTags,
    ...encodeDigestTags(digestOf(status, probes), budget),
  });

  const publish = (): void => {
    pending = undefined;
    const { status, probes } = deps.health();
    const key = keyOf(status, probes);
    if (key === lastKey) return;
    lastKey = key;
    deps.setTags(tagsFor(status, probes)).catch((error: unknown) => {
      lastKey = "";
      deps.logger.warn("could not gossip the health digest; will retry with the next change", { error: describeError(error) });
    });
  };

  return {
    /** Tags to start with: the digest says "unknown" until the first checks ran. */
    initialTags: (): Record<string, string> => tagsFor("unknown", []),
    /** Call after every probe report; cheap when nothing changed. */
    changed(): void {
      const { status, probes } = deps.health();
      if (keyOf(status, probes) === lastKey || pending) return;
      pending = deps.clock.setTimer(deps.coalesceMs, publish);
    },
    /**
     * Replaces the operator's tags (static and detected) and gossips them with the digest now.
     * The caller keeps them within the meta (config/tag-limits.ts); serf refuses a larger meta.
     */
    setUserTags(tags: Record<string, string>): void {
      userTags = { ...tags };
      budget = budgetFor(userTags);
      pending?.cancel();
      lastKey = "";
      publish();
    },
    stop(): void {
      pending?.cancel();
    },
  };
}

function keyOf(status: NodeStatus, probes: readonly Probe[]): string {
  const failing = probes
    .filter((p) => p.status === "failed")
    .map((p) => `${p.checker}:${p.severity ?? "critical"}`)
    .sort();
  return `${status}|${[...new Set(failing)].join(",")}`;
}
