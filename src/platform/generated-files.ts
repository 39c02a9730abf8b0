import { closeSync, constants, fchmodSync, fsyncSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { describeError, SatelliteError } from "./errors.ts";
import { readRegularTextFile } from "./regular-file.ts";

export type WriteOutcome = "written" | "unchanged";

/**
 * The files config generators read (template includes) and write (their targets). Contract
 * of `writeIfChanged`: a target that already holds exactly `content` is not touched (no
 * write, no new inode, no mtime change); otherwise the content goes to a new temp file in the
 * target's directory (never through a link), is fsynced, renamed over the target, and the
 * directory is fsynced: a crash leaves the old or the new file, never a mix. A target that is a
 * symbolic link or not a regular file is refused, not followed: the agent writes as root, and
 * a link planted at the target would make it overwrite any file.
 */
export interface GeneratedFiles {
  /**
   * A template include: `path` (relative: to `dir`) read as a regular file of at most
   * `bytesMax` bytes (regular-file.ts). Throws naming the file when it, after following links,
   * is not inside `dir`: a template cannot read /etc/shadow through an include or a link.
   */
  readInside(dir: string, path: string, bytesMax: number): string;
  writeIfChanged(path: string, content: string, mode: number): WriteOutcome;
  /** True when `path` is a regular file holding exactly `content` (a dry run's "unchanged"). */
  holds(path: string, content: string): boolean;
  /**
   * Throws what `writeIfChanged` would refuse `path` for (a link, not a regular file, no usable
   * directory), naming it; returns when a write would be tried. A dry run's verdict.
   */
  checkTarget(path: string): void;
}

let tempCounter = 0;

export const systemGeneratedFiles: GeneratedFiles = {
  readInside(dir, path, bytesMax) {
    const wanted = resolve(dir, path);
    let real: string;
    let realDir: string;
    try {
      realDir = realpathSync(dir);
      real = realpathSync(wanted);
    } catch (error) {
      throw new SatelliteError("FILE_UNREADABLE", `cannot open ${wanted}: ${describeError(error)}`, { hint: `put the included template in ${dir}`, cause: error });
    }
    if (!isInside(realDir, real)) throw outsideDir(wanted, dir);
    return readRegularTextFile(real, bytesMax);
  },
  holds(path, content) {
    try {
      return sameContent(path, Buffer.from(content, "utf8"));
    } catch {
      return false;
    }
  },
  checkTarget(path) {
    sameContent(path, Buffer.alloc(0));
    refuseUnusableDirectory(dirname(path), path);
  },
  writeIfChanged(path, content, mode) {
    const bytes = Buffer.from(content, "utf8");
    if (sameContent(path, bytes)) return "unchanged";
    const dir = dirname(path);
    refuseUnusableDirectory(dir, path);
    const temp = join(dir, `.${basename(path)}.satellite-${process.pid}-${++tempCounter}.tmp`);
    let fd: number;
    try {
      fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    } catch (error) {
      throw new SatelliteError("GENERATED_FILE_UNWRITABLE", `cannot create a temporary file in ${dir} for ${path}: ${describeError(error)}`, { hint: `check that the agent may write to ${dir}`, cause: error });
    }
    try {
      // The umask narrowed the mode given to open; the configured mode is what the operator asked for.
      fchmodSync(fd, mode);
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
      closeSync(fd);
      renameSync(temp, path);
    } catch (error) {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
      try {
        unlinkSync(temp);
      } catch {
        // Renamed or never created.
      }
      throw new SatelliteError("GENERATED_FILE_UNWRITABLE", `cannot write ${path}: ${describeError(error)}`, { hint: `check the free space and permissions of ${dir}`, cause: error });
    }
    syncDirectory(dir);
    return "written";
  },
};

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

function outsideDir(path: string, dir: string): SatelliteError {
  return new SatelliteError("TEMPLATE_OUTSIDE_DIR", `${path} is outside the template directory ${dir}`, { hint: `templates include files of their own directory only; copy the file into ${dir}` });
}

/** True when `path` is a regular file holding exactly `bytes`; missing is false; a link or special file throws. */
function sameContent(path: string, bytes: Buffer): boolean {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return false;
    throw new SatelliteError("GENERATED_FILE_UNWRITABLE", `cannot inspect ${path}: ${describeError(error)}`, { hint: `check the permissions of ${dirname(path)}`, cause: error });
  }
  if (stats.isSymbolicLink()) {
    throw new SatelliteError("GENERATED_TARGET_SYMLINK", `target ${path} is a symbolic link; generators replace regular files only and never follow links`, {
      hint: `point the generator's target at the real file, or remove the link: rm ${path}`,
    });
  }
  if (!stats.isFile()) {
    throw new SatelliteError("GENERATED_TARGET_NOT_FILE", `target ${path} exists and is not a regular file`, { hint: "point the generator's target at a file path" });
  }
  if (stats.size !== bytes.length) return false;
  return readFileSync(path).equals(bytes);
}

function refuseUnusableDirectory(dir: string, path: string): void {
  try {
    if (lstatSync(dir).isDirectory()) return;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") {
      throw new SatelliteError("GENERATED_FILE_UNWRITABLE", `${dir}, the directory of ${path}, does not exist`, { hint: `create ${dir}, or point the target into an existing directory`, cause: error });
    }
    throw new SatelliteError("GENERATED_FILE_UNWRITABLE", `the directory of ${path} cannot be used: ${describeError(error)}`, { hint: `check that the agent may read ${dir}`, cause: error });
  }
  // A link to a directory (/etc/haproxy -> /srv/haproxy) is an operator's choice, made outside the agent.
  try {
    if (lstatSync(`${dir}/.`).isDirectory()) return;
  } catch {
    // Falls through to the error.
  }
  throw new SatelliteError("GENERATED_FILE_UNWRITABLE", `${dir}, the directory of ${path}, is not a directory`, { hint: "point the target into an existing directory" });
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself happened.
  }
}

/** In memory, for tests: `files` by path, every write in order, and targets `refused` with a message and hint. */
export function createMemoryGeneratedFiles(files: Record<string, string> = {}): GeneratedFiles & {
  files: Record<string, string>;
  writes: string[];
  modes: Record<string, number>;
  refused: Record<string, { message: string; hint: string }>;
} {
  const modes: Record<string, number> = {};
  const writes: string[] = [];
  const refused: Record<string, { message: string; hint: string }> = {};
  const checkTarget = (path: string) => {
    const refusal = refused[path];
    if (refusal) throw new SatelliteError("GENERATED_TARGET_REFUSED", refusal.message, { hint: refusal.hint });
  };
  return {
    files,
    writes,
    modes,
    refused,
    readInside(dir, path, bytesMax) {
      const wanted = resolve(dir, path);
      if (!isInside(dir, wanted)) throw outsideDir(wanted, dir);
      const text = files[wanted];
      if (text === undefined) throw new SatelliteError("FILE_UNREADABLE", `cannot open ${wanted}: no such file`);
      if (Buffer.byteLength(text) > bytesMax) throw new SatelliteError("FILE_TOO_LARGE", `${wanted} has more than ${bytesMax} bytes`);
      return text;
    },
    holds: (path, content) => files[path] === content,
    checkTarget,
    writeIfChanged(path, content, mode) {
      checkTarget(path);
      if (files[path] === content) return "unchanged";
      files[path] = content;
      modes[path] = mode;
      writes.push(path);
      return "written";
    },
  };
}
