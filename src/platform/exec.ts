import { type ChildReaper, processChildReaper } from "./child-reaper.ts";
import { SatelliteError } from "./errors.ts";

export interface ExecOptions {
  /** The complete environment of the child; nothing is inherited (SATELLITE_RUN_ID is added: child-reaper.ts). */
  env: Record<string, string>;
  cwd?: string;
  /** Aborting kills the whole process group with SIGKILL. */
  signal: AbortSignal;
  /** Bytes kept of stdout and of stderr each; the rest is read and dropped. */
  outputBytesMax: number;
  /** Written to the child's stdin, which is then closed; without it the child has no stdin. */
  stdin?: string;
}

export interface ExecResult {
  /** Null when the process was ended by a signal. */
  exitCode: number | null;
  signalCode: string | null;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr was longer than outputBytesMax. */
  truncated: boolean;
  /** True when the run was cut short by the abort signal. */
  aborted: boolean;
}

/**
 * Runs programs. Contract: when the run ends (exit or abort) every process it started is
 * killed, so a check never leaves processes behind: its process group, everything below it
 * while it lives, and afterwards every process still tagged with the run (one that left the
 * group with setsid; see child-reaper.ts, which also collects them once they are dead).
 * Rejects only when the program cannot be started (SatelliteError code "exec-start").
 */
export interface Exec {
  run(argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
}

/** How long output pipes may stay open after the process group was killed (a process that left the group). */
const PIPE_GRACE_MS = 500;

interface Collector {
  result: Promise<{ text: string; truncated: boolean }>;
  /** Stops reading; what was read so far is the result. */
  stop(): void;
}

function collect(stream: ReadableStream<Uint8Array>, bytesMax: number): Collector {
  const reader = stream.getReader();
  let stopped = false;
  return {
    result: readCapped(reader, bytesMax, () => stopped),
    stop() {
      stopped = true;
      reader.cancel().catch(() => undefined);
    },
  };
}

interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
}

async function readCapped(
  reader: ByteReader,
  bytesMax: number,
  stopped: () => boolean,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let truncated = false;
  for (;;) {
    let next: { done: boolean; value?: Uint8Array };
    try {
      next = await reader.read();
    } catch {
      break; // cancelled
    }
    const { done, value } = next;
    if (done || stopped() || !value) break;
    if (kept < bytesMax) {
      const take = value.subarray(0, bytesMax - kept);
      chunks.push(take);
      kept += take.length;
      if (take.length < value.length) truncated = true;
    } else if (value.length > 0) {
      truncated = true;
    }
  }
  const all = new Uint8Array(kept);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return { text: new TextDecoder().decode(all), truncated };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** When a finished run's leftovers are looked for a second time. */
const RESCAN_AFTER_MS = 50;

/** Runs programs with Bun.spawn; `reaper` learns which children Bun waits for and finds leftovers. */
export function createProcessExec(reaper: ChildReaper): Exec {
  return { run: (argv, options) => runOnce(argv, options, reaper) };
}

/** The process's Exec; the agent starts `processChildReaper` so orphans are collected too. */
export const bunExec: Exec = createProcessExec(processChildReaper);

async function runOnce(argv: readonly string[], options: ExecOptions, reaper: ChildReaper): Promise<ExecResult> {
  if (argv.length === 0) throw new SatelliteError("exec-start", "no command given");
  if (options.signal.aborted) {
    return { exitCode: null, signalCode: null, stdout: "", stderr: "", truncated: false, aborted: true };
  }
  let proc: ReturnType<typeof Bun.spawn<"ignore" | Uint8Array, "pipe", "pipe">>;
  const tag = reaper.beginRun();
  try {
    proc = Bun.spawn([...argv], {
      cwd: options.cwd,
      env: { ...options.env, [tag.name]: tag.value },
      stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
    });
  } catch (error) {
    reaper.endRun(tag);
    throw new SatelliteError("exec-start", `cannot start ${argv[0]}: ${(error as Error).message}`, {
      hint: "check that the program exists, is executable and its interpreter line is valid",
      cause: error,
    });
  }
  const pid = proc.pid;
  reaper.own(pid);
  let aborted: boolean = false;
  const onAbort = (): void => {
    aborted = true;
    // The leader still lives: its tree is intact, including children in other sessions.
    reaper.killTree(pid);
    killGroup(pid);
  };
  options.signal.addEventListener("abort", onAbort, { once: true });
  const out = collect(proc.stdout, options.outputBytesMax);
  const err = collect(proc.stderr, options.outputBytesMax);
  try {
    await proc.exited;
    reaper.release(pid);
    // Children that outlive the leader would hold the pipes open and pile up between runs.
    killGroup(pid);
    reaper.endRun(tag);
    // A process in the middle of execve shows an empty environment for a moment, so one scan can
    // miss a tagged leftover: look once more shortly after (the reaper's sweeps do too, when adopting).
    setTimeout(() => reaper.endRun(tag), RESCAN_AFTER_MS).unref?.();
    // A process that escaped the group (setsid) may still hold the pipes: stop reading after a grace.
    const grace = setTimeout(() => {
      out.stop();
      err.stop();
    }, PIPE_GRACE_MS);
    const [o, e] = await Promise.all([out.result, err.result]);
    clearTimeout(grace);
    return {
      exitCode: proc.signalCode != null ? null : proc.exitCode,
      signalCode: proc.signalCode != null ? String(proc.signalCode) : null,
      stdout: o.text,
      stderr: e.text,
      truncated: o.truncated || e.truncated,
      aborted,
    };
  } finally {
    options.signal.removeEventListener("abort", onAbort);
  }
}

/** A scripted Exec for tests: answers from a function of argv, records every call. */
export function createRecordedExec(
  answer: (argv: readonly string[]) => Partial<ExecResult> | Error,
): Exec & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(argv) {
      calls.push([...argv]);
      const a = answer(argv);
      if (a instanceof Error) throw a;
      return { exitCode: 0, signalCode: null, stdout: "", stderr: "", truncated: false, aborted: false, ...a };
    },
  };
}
