import { readdir, readFile } from "node:fs/promises";

/**
 * Read-only access to host files (/proc, /sys, /etc, /boot...). Checkers read the host only
 * through this, so tests can replay recorded content of another machine.
 */
export interface HostFiles {
  /** The file's text, or undefined when it (or a parent directory) does not exist. Other errors reject. */
  readText(path: string): Promise<string | undefined>;
  /** Entry names of a directory, or undefined when it does not exist. */
  listDir(path: string): Promise<string[] | undefined>;
}

function isAbsent(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The real host. */
export const systemHostFiles: HostFiles = {
  async readText(path) {
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  },
  async listDir(path) {
    try {
      return await readdir(path);
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  },
};

/**
 * Files from a table (path -> content). Directories are implied by the paths in the table;
 * anything not in it is absent.
 */
export function createRecordedHostFiles(files: Record<string, string>): HostFiles {
  return {
    async readText(path) {
      return files[path];
    },
    async listDir(path) {
      const prefix = path.endsWith("/") ? path : `${path}/`;
      const names = new Set<string>();
      for (const key of Object.keys(files)) {
        if (!key.startsWith(prefix)) continue;
        const first = key.slice(prefix.length).split("/")[0];
        if (first) names.add(first);
      }
      return names.size > 0 ? [...names].sort() : undefined;
    },
  };
}
