import type { Disk } from "../platform/disk.ts";
import type { HostFacts } from "../platform/host-facts.ts";
import type { ValueTree } from "./collected-values.ts";
import type { ValueShape } from "./value-shape.ts";

/** The host a collector reads: files of /proc, /sys and /etc, the environment, filesystems. */
export interface CollectorHost {
  facts: HostFacts;
  disk: Disk;
}

/** When a sample is taken: wall time (for the time zone's offset) and monotonic time (for rates). */
export interface SampleTime {
  wallMs: number;
  monotonicMs: number;
}

/**
 * One source of host values (docs/collectors.md). An instance keeps what it needs of the
 * previous sample to report rates (a rate needs two samples: the first sample reports none), and
 * nothing more, so its memory is bounded by the host's CPUs, disks and interfaces. Contract:
 * `collect` reads, never writes; a missing file it needs rejects with an error naming it.
 */
export interface Collector {
  collect(host: CollectorHost, at: SampleTime): Promise<ValueTree>;
}

/** A kind of collector: its name, what it reports, how often, and a factory of fresh instances. */
export interface CollectorKind {
  name: string;
  /** One line for `satellite collectors list` and the docs. */
  description: string;
  /** How often it runs while something uses it. */
  intervalMs: number;
  shape: ValueShape;
  create(): Collector;
}

export class CollectorReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CollectorReadError";
  }
}

/** The text of a file a collector cannot do without; a missing file is an error naming it. */
export async function requiredText(host: CollectorHost, path: string, bytesMax: number): Promise<string> {
  const text = await host.facts.readHead(path, bytesMax);
  if (text === undefined) throw new CollectorReadError(`${path} is missing or not a regular file`);
  return text;
}
