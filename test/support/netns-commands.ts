/** Small process helpers for the namespace harness: bounded runs that never throw on exit codes. */
import { existsSync } from "node:fs";

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the command was killed because it ran past its timeout. */
  timedOut: boolean;
}

/** Runs argv synchronously, SIGKILLed after timeoutMs. A missing binary gives exit code 127. */
export function run(argv: string[], timeoutMs: number): RunResult {
  try {
    const result = Bun.spawnSync(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL" });
    return {
      exitCode: result.exitCode ?? -1,
      stdout: result.stdout.toString(),
      stderr: result.stderr.toString(),
      timedOut: result.exitedDueToTimeout === true,
    };
  } catch (error) {
    return { exitCode: 127, stdout: "", stderr: `cannot run ${argv[0]}: ${String(error)}`, timedOut: false };
  }
}

/** Runs argv without blocking the event loop, SIGKILLed after timeoutMs. */
export async function runAsync(argv: string[], timeoutMs: number): Promise<RunResult> {
  let child;
  try {
    child = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL" });
  } catch (error) {
    return { exitCode: 127, stdout: "", stderr: `cannot run ${argv[0]}: ${String(error)}`, timedOut: false };
  }
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr, timedOut: child.signalCode === "SIGKILL" && exitCode !== 0 };
}

/** Pids of the processes running in a namespace (empty when it does not exist). */
export function netnsPids(ns: string): number[] {
  if (!nsExists(ns)) return [];
  const result = run(["ip", "netns", "pids", ns], 5_000);
  return result.stdout
    .split("\n")
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

export function nsExists(ns: string): boolean {
  return existsSync(`/run/netns/${ns}`);
}
