import { chmodSync, closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { describeError, SatelliteError } from "./errors.ts";

/**
 * Files in the state directory (history, known peers, the InfluxDB queue) hold the cluster's
 * names, addresses and health: only the agent's user may read them. They are created 0600 in
 * a directory created 0700, and a state file that is a symbolic link is refused rather than
 * followed (a link planted there could make the agent overwrite any file it may write).
 */
export const STATE_FILE_MODE = 0o600;
export const STATE_DIR_MODE = 0o700;

/** Creates the state directory (and missing parents) 0700; an existing directory keeps its mode. */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: STATE_DIR_MODE });
}

/** Throws STATE_FILE_SYMLINK when `path` is a symbolic link; a missing file is fine. `what` names it ("history database"). */
export function refuseSymlink(path: string, what: string): void {
  let isLink: boolean;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return;
    throw new SatelliteError("STATE_FILE_UNREADABLE", `cannot inspect ${what} ${path}: ${describeError(error)}`, {
      hint: `check the permissions of ${dirname(path)}`,
      cause: error,
    });
  }
  if (!isLink) return;
  let target = "?";
  try {
    target = readlinkSync(path);
  } catch {
    // The link vanished meanwhile; it is still refused.
  }
  throw new SatelliteError("STATE_FILE_SYMLINK", `${what} ${path} is a symbolic link (to ${target}); satellite does not follow links for its state files`, {
    hint: `replace the link with the file itself (mv ${target} ${path}), or point --state-dir at the directory the file is in`,
  });
}

/**
 * Makes sure `path` is a private regular file: created empty with mode 0600 when missing
 * (never through a link), narrowed to 0600 when an older version left it readable by others.
 */
export function ensurePrivateFile(path: string, what: string): void {
  refuseSymlink(path, what);
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, STATE_FILE_MODE));
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
  }
  narrowMode(path);
}

/** Narrows an existing file to 0600; a file owned by someone else is left as it is (opening it will say more). */
export function narrowMode(path: string): void {
  try {
    const mode = lstatSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) chmodSync(path, STATE_FILE_MODE);
  } catch {
    // Missing, or not ours to change.
  }
}

/**
 * Writes `data` to a new private file at `path`, replacing whatever was there (a stale temp
 * file from a crash, or a link: the link itself is removed, its target is never written).
 */
export function writeNewPrivateFile(path: string, data: string | Uint8Array): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, STATE_FILE_MODE);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` atomically (private temp file + rename): a crash leaves the old or the new content. */
export function writePrivateFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp`;
  writeNewPrivateFile(temp, data);
  renameSync(temp, path);
}
