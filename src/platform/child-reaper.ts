import type { Logger } from "./logger.ts";
import { loadProcessControl, type ProcessControl } from "./process-control.ts";
import { procProcessTree, type ProcessTree } from "./process-tree.ts";

/**
 * Collects what checks leave behind. A plugin's children that outlive it are re-parented to
 * the nearest "subreaper": init normally, but the agent itself when it runs as PID 1 (a
 * container without an init), and Bun only ever waits for the processes it spawned, so those
 * orphans stayed zombies forever. Once started, the agent is a subreaper (prctl
 * PR_SET_CHILD_SUBREAPER; PID 1 is one already) and collects every exited child that Bun does
 * not own, on SIGCHLD and every few seconds.
 *
 * Every run is started with `SATELLITE_RUN_ID=<agent pid>.<n>` in its environment (beginRun),
 * which everything it forks inherits, as Jenkins' process tree killer tags a build. When the
 * run ends, every process still carrying its tag is killed with everything below it (endRun),
 * also one that left the run's process group and session with setsid: being the subreaper,
 * the agent gets such a process back as soon as its parent dies, and each sweep kills any
 * adopted process tagged with a run of this agent that is over. Without the subreaper
 * (before start, or where libc cannot be loaded) endRun looks at every process in /proc.
 *
 * Contract: every child Bun spawns in this process must be registered with `own` until Bun
 * has collected it (exec.ts does); the reaper never waits for an owned pid. Start the reaper
 * only in the agent process: a test process spawning children outside exec.ts must not run it.
 */
export interface ChildReaper {
  start(): ChildReaperStatus;
  stop(): void;
  /** A child Bun spawned and will wait for: never reaped here until released. */
  own(pid: number): void;
  /** Bun has collected it (its `exited` resolved). */
  release(pid: number): void;
  /** A new run's tag, to be put into its environment. */
  beginRun(): RunTag;
  /** The run is over: SIGKILLs every process tagged with it and everything below; returns how many. */
  endRun(tag: RunTag): number;
  /** SIGKILLs `pid` and everything below it now (a run being aborted while its leader still lives). */
  killTree(pid: number): void;
  /** Collects exited children nobody else waits for (only once started) and kills adopted leftovers of ended runs. */
  sweep(): void;
}

export interface RunTag {
  readonly name: string;
  readonly value: string;
}

export interface ChildReaperStatus {
  /** This process is PID 1 (of its PID namespace). */
  pid1: boolean;
  /** Orphaned descendants are re-parented to this process. */
  adopting: boolean;
  /** Exited orphans are collected (waitpid is available). */
  reaping: boolean;
}

export interface ChildReaperDeps {
  tree: ProcessTree;
  control: () => ProcessControl | undefined;
  selfPid: number;
  /** Safety sweep period besides SIGCHLD (a children file read while the tree changes may miss one). */
  sweepIntervalMs?: number;
  /** Sends SIGKILL; throws when the process is gone (default: process.kill). */
  kill?: (pid: number) => void;
}

/** The environment variable that tags a run's processes. */
export const RUN_ID_VARIABLE = "SATELLITE_RUN_ID";
/** Rounds of find-and-kill in endRun: each catches what the previous round's processes forked meanwhile. */
const KILL_ROUNDS_MAX = 8;
/** A safety net only: SIGCHLD starts a sweep at every exit. Rare, because an idle agent should cost next to nothing. */
const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

export function createChildReaper(deps: ChildReaperDeps): ChildReaper {
  const { tree, selfPid } = deps;
  const kill = deps.kill ?? ((pid: number) => void process.kill(pid, "SIGKILL"));
  const owned = new Set<number>();
  const activeRuns = new Set<string>();
  const ourRunPrefix = `${selfPid}.`;
  let runs = 0;
  let control: ProcessControl | undefined;
  let started = false;
  let adopting = false;
  let sweepTimer: ReturnType<typeof setInterval> | undefined;
  let sweepQueued = false;

  const signal = (pid: number): boolean => {
    if (pid === selfPid) return false;
    try {
      kill(pid);
      return true;
    } catch {
      return false; // gone already
    }
  };

  const sweep = (): void => {
    if (!started || !control) return;
    for (const pid of tree.children(selfPid)) {
      if (owned.has(pid)) continue;
      if (tree.state(pid) === "Z") {
        control.reap(pid);
        continue;
      }
      const run = tree.environmentValue(pid, RUN_ID_VARIABLE);
      // A leftover of a run of ours that is over (one that escaped endRun by a race).
      if (run?.startsWith(ourRunPrefix) && !activeRuns.has(run)) for (const member of tree.subtree(pid)) signal(member);
    }
  };

  // SIGCHLD comes once per exit (and may be merged): one sweep per event-loop turn covers all.
  const onChildExit = (): void => {
    if (sweepQueued) return;
    sweepQueued = true;
    setImmediate(() => {
      sweepQueued = false;
      sweep();
    });
  };

  return {
    start() {
      if (!started) {
        control = deps.control();
        adopting = selfPid === 1 || (control?.setChildSubreaper(true) ?? false);
        started = true;
        if (control) {
          process.on("SIGCHLD", onChildExit);
          sweepTimer = setInterval(sweep, deps.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
          sweepTimer.unref();
          sweep();
        }
      }
      return { pid1: selfPid === 1, adopting, reaping: control !== undefined };
    },
    stop() {
      if (!started) return;
      process.off("SIGCHLD", onChildExit);
      if (sweepTimer) clearInterval(sweepTimer);
      if (adopting && selfPid !== 1) control?.setChildSubreaper(false);
      started = false;
      adopting = false;
    },
    own: (pid) => void owned.add(pid),
    release: (pid) => void owned.delete(pid),
    beginRun() {
      const value = `${ourRunPrefix}${++runs}`;
      activeRuns.add(value);
      return { name: RUN_ID_VARIABLE, value };
    },
    endRun(tag) {
      activeRuns.delete(tag.value);
      // A killed process may still show for a moment: each pid is signalled once per call.
      const signalled = new Set<number>();
      for (let round = 0; round < KILL_ROUNDS_MAX; round++) {
        const candidates = adopting ? tree.children(selfPid) : tree.all();
        let fresh = 0;
        for (const pid of candidates) {
          if (pid === selfPid || owned.has(pid) || signalled.has(pid) || tree.environmentValue(pid, tag.name) !== tag.value) continue;
          for (const member of tree.subtree(pid)) {
            if (signalled.has(member) || !signal(member)) continue;
            signalled.add(member);
            fresh++;
          }
        }
        if (fresh === 0) break;
      }
      sweep();
      return signalled.size;
    },
    killTree(pid) {
      for (const member of tree.subtree(pid)) signal(member);
    },
    sweep,
  };
}

/** The reaper of this process; `satellite agent` starts it. */
export const processChildReaper: ChildReaper = createChildReaper({ tree: procProcessTree, control: loadProcessControl, selfPid: process.pid });

/** Starts this process's reaper (the agent process only) and says what it can do. */
export function startChildReaper(logger: Logger): ChildReaperStatus {
  const status = processChildReaper.start();
  if (status.pid1 && !status.reaping) {
    logger.warn("running as PID 1 but orphaned processes cannot be collected (libc could not be loaded): they stay zombies", {
      hint: "run the container with an init (docker run --init, tini) or shareProcessNamespace",
    });
  } else if (status.pid1) {
    logger.info("running as PID 1: orphaned processes are collected");
  } else if (!status.adopting) {
    logger.debug("not a subreaper: processes a check leaves in another session are found by scanning /proc");
  }
  return status;
}
