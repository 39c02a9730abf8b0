import { readRegularTextFile } from "./regular-file.ts";
import { refuseSymlink, writePrivateFileAtomic } from "./state-files.ts";

/** Small state files of the agent (maintenance windows, notification outboxes): private (0600), written atomically, read bounded. */
export interface PrivateTextFiles {
  /** The file's text; undefined when it does not exist; throws when it cannot be read, is a link or exceeds `bytesMax`. */
  read(path: string, bytesMax: number): string | undefined;
  /** Replaces the file atomically (temp file + rename), created 0600. */
  writeAtomic(path: string, text: string): void;
}

/** The real files, through state-files.ts: links refused, 0600, atomic replace; errors call them `what` ("notification outbox"). */
export function processPrivateTextFilesFor(what: string): PrivateTextFiles {
  return {
    read(path, bytesMax) {
      refuseSymlink(path, what);
      try {
        return readRegularTextFile(path, bytesMax);
      } catch (error) {
        if ((error as { cause?: { code?: string } }).cause?.code === "ENOENT") return undefined;
        throw error;
      }
    },
    writeAtomic: (path, text) => writePrivateFileAtomic(path, text),
  };
}

/** The real files, named "state file" in errors. */
export const processPrivateTextFiles: PrivateTextFiles = processPrivateTextFilesFor("state file");

/** Files kept in a map, for simulated agents and tests; pass the same map to a restarted agent to keep them. */
export function memoryPrivateTextFiles(files = new Map<string, string>()): PrivateTextFiles & { files: Map<string, string> } {
  return {
    files,
    read: (path) => files.get(path),
    writeAtomic: (path, text) => void files.set(path, text),
  };
}
