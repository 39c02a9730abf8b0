import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";

/** A peer to rejoin after a restart. */
export interface KnownPeer {
  name: string;
  addr: string;
  port: number;
}

/** Where the alive peers are kept across restarts (the agent keeps a file in its state dir). */
export interface MemberSnapshotStore {
  load(): Promise<KnownPeer[]>;
  save(peers: KnownPeer[]): Promise<void>;
}

/**
 * Coalesces member changes into one save after `delayMs`. A failed save is logged and retried
 * with the next change; the previous snapshot stays in place, so nothing is lost but recency.
 */
export class SnapshotWriter {
  private timer: Timer | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: MemberSnapshotStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly delayMs: number,
    private readonly peers: () => KnownPeer[],
  ) {}

  changed(): void {
    if (this.timer) return;
    this.timer = this.clock.setTimer(this.delayMs, () => {
      this.timer = undefined;
      void this.write(this.peers());
    });
  }

  /** Saves `peers` now (after any save in flight), e.g. an empty list after a graceful leave. */
  write(peers: KnownPeer[]): Promise<void> {
    this.saving = this.saving.then(() =>
      this.store.save(peers).catch((error: unknown) => {
        this.logger.warn("could not save the member snapshot; will retry on the next change", { error: describeError(error) });
      }),
    );
    return this.saving;
  }

  /** Writes a pending change now (on shutdown), so a crash-like stop keeps the latest peers. */
  flush(): Promise<void> {
    if (!this.timer) return this.saving;
    this.timer.cancel();
    this.timer = undefined;
    return this.write(this.peers());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
