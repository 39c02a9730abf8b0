import type { AgentPlatform } from "../agent/platform-deps.ts";
import type { Clock } from "../platform/clock.ts";
import type { LogFormat, LogLevel } from "../platform/logger.ts";

/** How `satellite agent` logs (--log-level, --log-format). */
export interface AgentLogOptions {
  level: LogLevel;
  format: LogFormat;
}

/** Every side effect a CLI command may use; main builds the real one, tests a capturing one. */
export interface CliDeps {
  out(text: string): void;
  err(text: string): void;
  /** Writes bytes to stdout as they are (`kv get`); `out` with the text decoded when absent. */
  writeOut?(bytes: Uint8Array): void;
  /** Reads stdin to its end, at most `bytesMax` bytes (`kv put KEY -`); absent: stdin cannot be read. */
  readStdin?(bytesMax: number): Promise<Uint8Array>;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  /**
   * Reads a config (or token, key) file as text: only a regular file of at most `bytesMax`
   * bytes; throws naming the file when it cannot, and never blocks on a FIFO or device.
   */
  readFile(path: string, bytesMax: number): string;
  hostname(): string;
  /** The working directory relative paths (the state dir) are taken from. */
  cwd(): string;
  /**
   * Builds the platform for `satellite agent`, its logger as --log-level and --log-format say.
   * Asynchronous so that the real one loads the agent's side effects only when the agent runs.
   */
  agentPlatform(log: AgentLogOptions): Promise<AgentPlatform>;
  /** Whether stdout is a terminal: `status` then prints a summary for people, JSON otherwise. Absent: not a terminal. */
  isTerminal?: boolean;
  /** Timers of commands that run until stopped (`watch`: reconnect backoff, silence); the system clock when absent. */
  clock?: Clock;
  /** Resolves when the process receives SIGTERM or SIGINT; returns the signal's name. */
  waitForStopSignal(): Promise<string>;
  /** Calls `listener` on every SIGHUP (reload the configuration) until the returned function is called. Absent: no reloads. */
  onReloadSignal?(listener: () => void): () => void;
}

/** A command's result is its exit code. */
export type ExitCode = number;

export const EXIT_OK = 0;
export const EXIT_DEGRADED = 1;
export const EXIT_UNREACHABLE = 2;
export const EXIT_USAGE = 2;
/** A store or service behind the agent cannot answer now (e.g. `kv get` without a quorum): ask again later. */
export const EXIT_UNAVAILABLE = 3;
