import type { Clock, Timer } from "../../platform/clock.ts";

export interface PruneRunnerOptions {
  clock: Clock;
  /** Passes start this often on their own; 0 turns the timer off. */
  intervalMs: number;
  /** One retention pass at `nowMs`; resolves with the rows it removed. */
  run: (nowMs: number) => Promise<number>;
  /** True once the store closed: no pass starts after that. */
  isClosed: () => boolean;
  /** A pass the timer started failed. */
  onError: (error: unknown) => void;
}

export interface PruneRunner {
  prune(nowMs: number): Promise<number>;
  /** Stops the timer; passes already asked for still run. */
  stop(): void;
  /** Settles when every pass asked for so far has ended. */
  idle(): Promise<unknown>;
}

/**
 * Retention passes one at a time: a caller arriving during a pass waits for it, then runs its
 * own. A fixed-rate timer starts passes too; a tick that finds its previous pass still running
 * skips its turn, so a slow disk never piles passes up.
 */
export function createPruneRunner(options: PruneRunnerOptions): PruneRunner {
  const { clock, intervalMs, run, isClosed } = options;
  let chain: Promise<number> = Promise.resolve(0);
  let timer: Timer | undefined;
  let timerPassRunning = false;

  const prune = (nowMs: number): Promise<number> => {
    if (isClosed()) return Promise.resolve(0);
    const pass = chain.then(() => (isClosed() ? 0 : run(nowMs)));
    chain = pass.catch(() => 0);
    return pass;
  };

  const schedule = (): void => {
    if (intervalMs <= 0 || isClosed()) return;
    timer = clock.setTimer(intervalMs, () => {
      schedule();
      if (timerPassRunning) return;
      timerPassRunning = true;
      prune(clock.nowMs())
        .catch(options.onError)
        .finally(() => (timerPassRunning = false));
    });
  };
  schedule();

  return { prune, stop: () => timer?.cancel(), idle: () => chain };
}
