import { readFile, readdir, readlink } from "node:fs/promises";

/**
 * Read-only access to host files (/proc, /sys, /etc, /boot...). Checkers read the host only
 * through this, so tests can replay recorded content of another machine.
 */
export interface HostFiles {
  /** The file's text, or undefined when it (or a parent directory) does not exist. Other errors reject. */
  readText(path: string): Promise<string | undefined>;
  /** The file's bytes (for compressed files such as /proc/config.gz), or undefined when absent. */
  readBytes(path: string): Promise<Uint8Array | undefined>;
  /** Entry names of a directory, or undefined when it does not exist. */
  listDir(path: string): Promise<string[] | undefined>;
  /** Target of a symbolic link (/proc/<pid>/fd/<n> -> "socket:[123]"), or undefined when absent or gone. */
  readLink(path: string): Promise<string | undefined>;
}

function isAbsent(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // ESRCH/EACCES show up when a /proc/<pid> entry vanishes or belongs to a process we may not see.
  return code === "ENOENT" || code === "ENOTDIR" || code === "ESRCH";
}

async function absentAsUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isAbsent(error)) return undefined;
    throw error;
  }
}

/** The real host. */
export const systemHostFiles: HostFiles = {
  readText: (path) => absentAsUndefined(() => readFile(path, "utf8")),
  readBytes: (path) => absentAsUndefined(async () => new Uint8Array(await readFile(path))),
  listDir: (path) => absentAsUndefined(() => readdir(path)),
  readLink: async (path) => {
    try {
      return await readlink(path);
    } catch (error) {
      if (isAbsent(error) || (error as { code?: unknown }).code === "EACCES") return undefined;
      throw error;
    }
  },
};

/**
 * Files from a table (path -> content). Directories are implied by the paths in the table;
 * anything not in it is absent. Links are entries of `links`.
 */
export function createRecordedHostFiles(files: Record<string, string | Uint8Array>, links: Record<string, string> = {}): HostFiles {
  return {
    async readText(path) {
      const content = files[path];
      return typeof content === "string" || content === undefined ? content : new TextDecoder().decode(content);
    },
    async readBytes(path) {
      const content = files[path];
      return typeof content === "string" ? new TextEncoder().encode(content) : content;
    },
    async listDir(path) {
      const prefix = path.endsWith("/") ? path : `${path}/`;
      const names = new Set<string>();
      for (const key of [...Object.keys(files), ...Object.keys(links)]) {
        if (!key.startsWith(prefix)) continue;
        const first = key.slice(prefix.length).split("/")[0];
        if (first) names.add(first);
      }
      return names.size > 0 ? [...names].sort() : undefined;
    },
    async readLink(path) {
      return links[path];
    },
  };
}
