import { lstatSync } from "node:fs";
import { readRegularTextFile } from "./regular-file.ts";
import { refuseSymlink, writePrivateFileAtomic } from "./state-files.ts";

/** A JSON state file larger than this is refused (known peers of a 10,000-node cluster take about 1 MiB). */
export const JSON_STATE_FILE_BYTES_MAX = 16 << 20;

/**
 * Reads a JSON state file; undefined when it does not exist. Throws on a symbolic link, a file
 * that is not regular or larger than JSON_STATE_FILE_BYTES_MAX, and on malformed content.
 */
export async function readJsonFile(path: string, what = "state file"): Promise<unknown> {
  // Missing is the usual case (every first start reads peers.json): one lstat that throws
  // nothing, instead of two exceptions built and described (about 4 % of an agent's start-up CPU).
  if (!presentAt(path)) return undefined;
  refuseSymlink(path, what);
  let text: string;
  try {
    text = readRegularTextFile(path, JSON_STATE_FILE_BYTES_MAX);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "ENOENT") return undefined;
    throw error;
  }
  return JSON.parse(text);
}

/** Something (a dangling link included) is at `path`; true also when lstat fails otherwise, so the read says why. */
function presentAt(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return true;
  }
}

/**
 * Writes JSON atomically (private temp file + rename), so a crash leaves the old or the new
 * file, never half of one; the file is created 0600 and a link at its path is replaced, not followed.
 */
export async function writeJsonFileAtomic(path: string, value: unknown): Promise<void> {
  writePrivateFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
