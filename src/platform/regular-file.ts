import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { describeError, SatelliteError } from "./errors.ts";

/**
 * Reads a text file the operator named (a config file, a token or key file) without trusting
 * what is at that path: only a regular file of at most `bytesMax` bytes is read. A FIFO, a
 * device (/dev/zero), a socket or a directory is refused at once: the open does not block
 * (O_NONBLOCK, so a FIFO without a writer cannot hang the start) and nothing is read from it.
 * Symlinks are followed (Kubernetes mounts ConfigMaps and Secrets through them).
 * Throws SatelliteError FILE_UNREADABLE, FILE_NOT_REGULAR or FILE_TOO_LARGE naming the file.
 */
export function readRegularTextFile(path: string, bytesMax: number): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw new SatelliteError("FILE_UNREADABLE", `cannot open ${path}: ${describeError(cause)}`, {
      hint: "check the path and that the satellite user may read it",
      cause,
    });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new SatelliteError("FILE_NOT_REGULAR", `${path} is ${describeFileType(stats)}, not a regular file`, {
        hint: "point at a regular file",
      });
    }
    if (stats.size > bytesMax) throw tooLarge(path, bytesMax, stats.size);
    // One byte more than allowed tells a file that grew since fstat from one that fits.
    const buffer = Buffer.alloc(bytesMax + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > bytesMax) throw tooLarge(path, bytesMax, length);
    }
    return buffer.toString("utf8", 0, length);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, bytesMax: number, bytes: number): SatelliteError {
  return new SatelliteError("FILE_TOO_LARGE", `${path} has ${bytes} bytes or more; at most ${bytesMax} are read`, {
    hint: "point at the intended file, or shorten it",
  });
}

function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "a special file";
}
