import { readFileSync, statSync } from "node:fs";

/** The bytes a file must start with to be read as a wrapper script. */
const SHEBANG = "#!";
/** Absolute paths named in a wrapper script (`exec /path/to/satellite "$@"`). */
const ABSOLUTE_PATH = /(?:^|[\s"'=])(\/[^\s"'$;|&]+)/g;

/**
 * Evicts each executable (found on PATH when not a path) from the page cache, and the files
 * a wrapper script names, so every build under comparison is read from disk as on a host
 * after its install: an executable whose pages are still cached from being written (a fresh
 * build) ran an idle agent at about 1.4 x the CPU and 4.5 MiB more RSS than the same file read
 * back from disk (docs/performance.md, "Measuring"). GNU dd's `iflag=nocache count=0` asks the
 * kernel to drop the whole file's clean, unmapped pages. Returns what it could not evict.
 */
export function evictExecutables(commands: readonly string[]): string[] {
  const failures: string[] = [];
  const files = new Set<string>();
  for (const command of commands) {
    const path = command.includes("/") ? command : Bun.which(command);
    if (!path) {
      failures.push(`${command}: not found on PATH`);
      continue;
    }
    files.add(path);
    for (const named of wrappedFiles(path)) files.add(named);
  }
  for (const file of files) {
    const run = Bun.spawnSync(["dd", `if=${file}`, "iflag=nocache", "count=0", "status=none"], { stdout: "ignore", stderr: "pipe" });
    if (run.exitCode !== 0) failures.push(`${file}: dd iflag=nocache failed: ${run.stderr.toString().trim()}`);
  }
  return failures;
}

function wrappedFiles(path: string): string[] {
  try {
    if (statSync(path).size > 64 * 1024) return [];
    const text = readFileSync(path, "utf8");
    if (!text.startsWith(SHEBANG)) return [];
    return [...text.matchAll(ABSOLUTE_PATH)].map((m) => m[1] as string).filter((p) => p !== path && isExecutableFile(p));
  } catch {
    return [];
  }
}

function isExecutableFile(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
