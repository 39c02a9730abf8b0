import { access } from "node:fs/promises";
import { constants } from "node:fs";
import { delimiter, join } from "node:path";

/** What the default check set needs to know about the host to decide which checks apply. */
export interface HostProbe {
  exists(path: string): Promise<boolean>;
  /** Full path of an executable found on PATH, or undefined. */
  which(command: string): Promise<string | undefined>;
}

export function createSystemHostProbe(pathVariable: string = process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin"): HostProbe {
  const exists = async (path: string): Promise<boolean> => {
    try {
      await access(path, constants.F_OK);
      return true;
    } catch {
      return false;
    }
  };
  return {
    exists,
    async which(command) {
      if (command.includes("/")) return (await exists(command)) ? command : undefined;
      for (const dir of pathVariable.split(delimiter)) {
        if (!dir) continue;
        const candidate = join(dir, command);
        try {
          await access(candidate, constants.X_OK);
          return candidate;
        } catch {
          // not in this directory
        }
      }
      return undefined;
    },
  };
}

/** A host described by a list of existing paths and commands, for tests. */
export function createFakeHostProbe(paths: readonly string[], commands: Record<string, string> = {}): HostProbe {
  const set = new Set(paths);
  return {
    exists: async (path) => set.has(path),
    which: async (command) => commands[command],
  };
}
