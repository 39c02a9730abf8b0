import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SatelliteError } from "../../src/platform/errors.ts";
import { lockStateDir, STATE_LOCK_FILE } from "../../src/platform/state-dir-lock.ts";

const work = mkdtempSync(join(tmpdir(), "satellite-lock-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const source = join(import.meta.dir, "../../src/platform/state-dir-lock.ts");

/** Tries the lock from another process: its exit code and what it printed. */
function lockFromAnotherProcess(dir: string): { code: number | null; out: string } {
  const script = `import { lockStateDir } from ${JSON.stringify(source)}; try { lockStateDir(${JSON.stringify(dir)}); console.log("locked"); } catch (e) { console.log(e.code + ": " + e.message); process.exit(3); }`;
  const result = Bun.spawnSync([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
  return { code: result.exitCode, out: `${result.stdout}${result.stderr}`.trim() };
}

function lockError(action: () => unknown): SatelliteError {
  try {
    action();
  } catch (error) {
    if (error instanceof SatelliteError) return error;
    throw error;
  }
  throw new Error("did not throw");
}

describe("one agent per state directory", () => {
  test("a second lock, from another process or this one, fails naming the holder's pid; after release it is free", () => {
    const dir = mkdtempSync(join(work, "dir-"));
    const lock = lockStateDir(dir);
    expect(readFileSync(join(dir, STATE_LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    expect(statSync(join(dir, STATE_LOCK_FILE)).mode & 0o777).toBe(0o600);
    expect(lockFromAnotherProcess(dir)).toEqual({ code: 3, out: `STATE_DIR_LOCKED: state directory ${dir} is in use by another satellite agent (pid ${process.pid})` });
    const again = lockError(() => lockStateDir(dir));
    expect(again.code).toBe("STATE_DIR_LOCKED");
    expect(again.hint).toBe("stop that agent first, or give this one a state directory of its own with --state-dir");
    lock.release();
    lock.release();
    expect(lockFromAnotherProcess(dir)).toEqual({ code: 0, out: "locked" });
  });

  test("a lock file left by a killed agent does not block: the kernel dropped its lock", () => {
    const dir = mkdtempSync(join(work, "stale-"));
    writeFileSync(join(dir, STATE_LOCK_FILE), "999999\n");
    const lock = lockStateDir(dir);
    expect(readFileSync(join(dir, STATE_LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    lock.release();
  });

  test("a lock file that is a symbolic link is refused", () => {
    const dir = mkdtempSync(join(work, "link-"));
    Bun.spawnSync(["ln", "-s", "/etc/passwd", join(dir, STATE_LOCK_FILE)]);
    expect(lockError(() => lockStateDir(dir)).code).toBe("STATE_FILE_SYMLINK");
  });
});
