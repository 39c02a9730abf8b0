import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { type HostFiles, createRecordedHostFiles, systemHostFiles } from "./host-files.ts";

/**
 * What detectors and `applyOn` expressions may ask about the host: files (/proc, /etc), whether
 * a path exists, the head of a file, and the agent's environment. Read-only; tests replay a table.
 */
export interface HostFacts {
  files: HostFiles;
  /** Whether something exists at `path` (symlinks followed). */
  exists(path: string): Promise<boolean>;
  /**
   * The first `bytesMax` bytes of a regular file as text, or undefined when it is absent or not
   * a regular file (a FIFO or device is never read from, so the caller cannot hang on it).
   */
  readHead(path: string, bytesMax: number): Promise<string | undefined>;
  /** An environment variable of the agent, or undefined. */
  env(name: string): string | undefined;
}

function readHeadSync(path: string, bytesMax: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buffer = Buffer.alloc(bytesMax);
    let length = 0;
    while (length < bytesMax) {
      const n = readSync(fd, buffer, length, bytesMax - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.toString("utf8", 0, length);
  } finally {
    closeSync(fd);
  }
}

/** The real host and the process's environment. */
export const systemHostFacts: HostFacts = {
  files: systemHostFiles,
  exists: async (path) => {
    try {
      statSync(path);
      return true;
    } catch {
      return false;
    }
  },
  readHead: async (path, bytesMax) => readHeadSync(path, bytesMax),
  env: (name) => (Object.hasOwn(process.env, name) ? process.env[name] : undefined),
};

/** A host from a table of files (path -> content) and an environment, for tests and simulations. */
export function createRecordedHostFacts(files: Record<string, string>, env: Record<string, string> = {}): HostFacts {
  const recorded = createRecordedHostFiles(files);
  return {
    files: recorded,
    exists: async (path) => Object.hasOwn(files, path) || Object.keys(files).some((p) => p.startsWith(`${path.replace(/\/$/, "")}/`)),
    readHead: async (path, bytesMax) => (Object.hasOwn(files, path) ? (files[path] as string).slice(0, bytesMax) : undefined),
    env: (name) => (Object.hasOwn(env, name) ? env[name] : undefined),
  };
}
