import { dirname } from "node:path";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Exec } from "../platform/exec.ts";
import type { Logger } from "../platform/logger.ts";

/** Bytes kept of the command's stdout and of its stderr each (serf keeps 8 KiB of a handler's). */
export const COMMAND_OUTPUT_BYTES_MAX = 8 * 1024;
/** The PATH the command gets: the standard system directories, never the agent's own. */
export const COMMAND_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The last run of a generator's command. */
export interface CommandRun {
  /** When it ended, Unix ms. */
  atMs: number;
  durationMs: number;
  /** Null when it was killed (timeout, agent stopping) or could not start. */
  exitCode: number | null;
  ok: boolean;
  /** What went wrong, when not ok. */
  error?: string;
  /** The end of stdout and stderr, bounded. */
  output: string;
}

export interface DebouncedCommandOptions {
  generator: string;
  target: string;
  command: string;
  debounceMs: number;
  timeoutMs: number;
  clock: Clock;
  exec: Exec;
  logger: Logger;
}

/**
 * Runs a generator's command once its target stopped changing for `debounceMs` (a member
 * joining writes the file, its first health report writes it again: haproxy reloads once).
 * Never two runs at once: a change during a run schedules one more after it. `/bin/sh -c`,
 * the environment is PATH, SATELLITE_GENERATOR and SATELLITE_TARGET only (the agent's may hold
 * secrets), the whole process group is killed at the timeout.
 */
export class DebouncedCommand {
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly controllers = new Set<AbortController>();
  private last: CommandRun | undefined;
  private runs = 0;

  constructor(private readonly options: DebouncedCommandOptions) {}

  /** The target changed: (re)starts the quiet period. */
  changed(): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timer = this.options.clock.setTimer(this.options.debounceMs, () => {
      this.timer = undefined;
      this.start();
    });
  }

  /** A run is waiting for its quiet period or underway. */
  pending(): boolean {
    return this.timer !== undefined || this.running !== undefined;
  }

  lastRun(): CommandRun | undefined {
    return this.last;
  }

  runCount(): number {
    return this.runs;
  }

  /** Resolves when no run is underway (tests, stop). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    for (const controller of this.controllers) controller.abort();
    await this.idle();
  }

  private start(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.changed();
      }
    });
  }

  private async runOnce(): Promise<void> {
    const { clock, logger, generator, command, timeoutMs } = this.options;
    const controller = new AbortController();
    this.controllers.add(controller);
    let timedOut = false;
    const timeout = clock.setTimer(timeoutMs, () => {
      timedOut = true;
      controller.abort();
    });
    const startedMs = clock.monotonicMs();
    this.runs++;
    let run: CommandRun;
    try {
      const result = await this.options.exec.run(["/bin/sh", "-c", command], {
        env: { PATH: COMMAND_PATH, SATELLITE_GENERATOR: generator, SATELLITE_TARGET: this.options.target },
        // In the target's directory, not wherever the agent was started: `-f haproxy.cfg` means the file just written.
        cwd: dirname(this.options.target),
        signal: controller.signal,
        outputBytesMax: COMMAND_OUTPUT_BYTES_MAX,
      });
      const output = [result.stdout.trimEnd(), result.stderr.trimEnd()].filter((s) => s !== "").join("\n");
      const base = { atMs: clock.nowMs(), durationMs: Math.round(clock.monotonicMs() - startedMs), exitCode: result.exitCode, output };
      if (result.aborted) run = { ...base, ok: false, error: timedOut ? `did not finish within ${timeoutMs}ms; its process group was killed` : "stopped with the agent" };
      else if (result.exitCode !== 0) run = { ...base, ok: false, error: result.exitCode === null ? `killed by ${result.signalCode ?? "a signal"}` : `exited with ${result.exitCode}` };
      else run = { ...base, ok: true };
    } catch (error) {
      run = { atMs: clock.nowMs(), durationMs: Math.round(clock.monotonicMs() - startedMs), exitCode: null, ok: false, error: describeError(error), output: "" };
    } finally {
      timeout.cancel();
      this.controllers.delete(controller);
    }
    this.last = run;
    const fields = { generator, command, exitCode: run.exitCode ?? undefined, durationMs: run.durationMs, output: run.output === "" ? undefined : run.output };
    if (run.ok) logger.info("generator command ran", fields);
    else logger.error("generator command failed", { ...fields, error: run.error });
  }
}
