import { dlopen, FFIType, read } from "bun:ffi";
import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describeError, SatelliteError } from "./errors.ts";
import { refuseSymlink, STATE_FILE_MODE } from "./state-files.ts";

/** Held while an agent uses its state directory; `release` is idempotent. */
export interface StateDirLock {
  release(): void;
}

/** The lock file inside the state directory; it holds the pid of the agent that has it. */
export const STATE_LOCK_FILE = "agent.lock";

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EWOULDBLOCK = 11;
const LIBC_NAMES = ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc.so"];

interface Flock {
  /** flock(2); returns 0, or the errno of the failure. */
  flock(fd: number, operation: number): number;
}

let libc: Flock | null | undefined;

function loadFlock(): Flock | undefined {
  if (libc !== undefined) return libc ?? undefined;
  libc = null;
  if (process.platform !== "linux") return undefined;
  for (const name of LIBC_NAMES) {
    try {
      const lib = dlopen(name, {
        flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
        __errno_location: { args: [], returns: FFIType.ptr },
      });
      const { flock, __errno_location } = lib.symbols;
      libc = {
        flock(fd, operation) {
          if (flock(fd, operation) === 0) return 0;
          const errno = __errno_location();
          return errno ? read.i32(errno, 0) : -1;
        },
      };
      return libc;
    } catch {
      // Try the next name.
    }
  }
  return undefined;
}

/**
 * One agent per state directory: two would interleave writes to the same history and known
 * peers. Takes flock(LOCK_EX) on `<dir>/agent.lock`, which the kernel drops when the process
 * ends however it ends (kill -9 included), so a stale file never blocks a restart. A second
 * agent gets STATE_DIR_LOCKED naming the pid of the first. Where flock is not available (no
 * libc through FFI) the pid in the file decides: a live process other than this one holds it.
 */
export function lockStateDir(dir: string, isAlive: (pid: number) => boolean = processIsAlive): StateDirLock {
  const path = join(dir, STATE_LOCK_FILE);
  refuseSymlink(path, "state directory lock");
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, STATE_FILE_MODE);
  } catch (error) {
    throw new SatelliteError("STATE_DIR_UNUSABLE", `cannot open ${path} to lock the state directory: ${describeError(error)}`, {
      hint: "pick a writable directory with --state-dir",
      cause: error,
    });
  }
  const lock = loadFlock();
  const holder = (): number | undefined => {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  };
  const refuse = (pid: number | undefined): never => {
    closeSync(fd);
    throw new SatelliteError("STATE_DIR_LOCKED", `state directory ${dir} is in use by another satellite agent${pid ? ` (pid ${pid})` : ""}`, {
      hint: "stop that agent first, or give this one a state directory of its own with --state-dir",
    });
  };
  if (lock) {
    const errno = lock.flock(fd, LOCK_EX | LOCK_NB);
    if (errno === EWOULDBLOCK) refuse(holder());
    if (errno !== 0) {
      closeSync(fd);
      throw new SatelliteError("STATE_DIR_UNUSABLE", `cannot lock ${path}: flock failed with errno ${errno}`, { hint: "is the state directory on a file system that supports locks (not NFS without lockd)?" });
    }
  } else {
    const pid = holder();
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) refuse(pid);
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`, 0);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        if (!lock) ftruncateSync(fd, 0);
        lock?.flock(fd, LOCK_UN);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as { code?: string }).code === "EPERM";
  }
}
