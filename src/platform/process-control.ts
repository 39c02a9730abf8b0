import { FFIType } from "bun:ffi";
import { openLibc } from "./libc.ts";

/**
 * The two process calls Bun offers no API for, taken from libc through bun:ffi: becoming the
 * reaper of orphaned descendants (prctl PR_SET_CHILD_SUBREAPER, Linux 3.4+) and collecting
 * the exit of one given child without blocking (waitpid WNOHANG). Only `child-reaper.ts` uses it.
 */
export interface ProcessControl {
  /** Orphaned descendants are re-parented to this process instead of init; false when refused. */
  setChildSubreaper(on: boolean): boolean;
  /** waitpid(pid, WNOHANG): "reaped" when it had exited, "running" when not yet, "not-child" when it is not our child (any more). */
  reap(pid: number): "reaped" | "running" | "not-child";
}

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;

let loaded: ProcessControl | null | undefined;

/** The libc-backed ProcessControl, or undefined where no libc can be loaded (not Linux, no FFI). */
export function loadProcessControl(): ProcessControl | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  const libc = openLibc({
    prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
    waitpid: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  });
  if (!libc) return undefined;
  const { prctl, waitpid } = libc;
  loaded = {
    setChildSubreaper: (on) => prctl(PR_SET_CHILD_SUBREAPER, on ? 1n : 0n, 0n, 0n, 0n) === 0,
    reap(pid) {
      if (!Number.isInteger(pid) || pid <= 0) return "not-child";
      const result = waitpid(pid, null, WNOHANG);
      if (result === pid) return "reaped";
      return result === 0 ? "running" : "not-child";
    },
  };
  return loaded;
}
