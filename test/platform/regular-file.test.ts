import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SatelliteError } from "../../src/platform/errors.ts";
import { readRegularTextFile } from "../../src/platform/regular-file.ts";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "satellite-regular-file-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SatelliteError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return "read";
}

describe("readRegularTextFile reads only a bounded regular file", () => {
  test("a regular file, also through a symlink (how Kubernetes mounts ConfigMaps)", () => {
    writeFileSync(join(dir, "ok.yaml"), "name: n\n");
    symlinkSync(join(dir, "ok.yaml"), join(dir, "link.yaml"));
    expect(readRegularTextFile(join(dir, "ok.yaml"), 100)).toBe("name: n\n");
    expect(readRegularTextFile(join(dir, "link.yaml"), 100)).toBe("name: n\n");
  });

  test("a FIFO without a writer is refused at once instead of hanging", () => {
    const fifo = join(dir, "fifo");
    const made = Bun.spawnSync(["mkfifo", fifo]);
    if (made.exitCode !== 0) throw new Error("mkfifo (coreutils) is needed for this test");
    const started = performance.now();
    expect(codeOf(() => readRegularTextFile(fifo, 1 << 20))).toBe(`FILE_NOT_REGULAR: ${fifo} is a FIFO (named pipe), not a regular file`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test.each([
    ["/dev/zero", "FILE_NOT_REGULAR: /dev/zero is a character device, not a regular file"],
    ["/", "FILE_NOT_REGULAR: / is a directory, not a regular file"],
  ])("%s is refused without reading it", (path, expected) => {
    expect(codeOf(() => readRegularTextFile(path, 1 << 20))).toBe(expected);
  });

  test("a file over the bound is refused naming it; one at the bound is read", () => {
    writeFileSync(join(dir, "big"), "x".repeat(1025));
    writeFileSync(join(dir, "exact"), "x".repeat(1024));
    expect(codeOf(() => readRegularTextFile(join(dir, "big"), 1024))).toBe(`FILE_TOO_LARGE: ${join(dir, "big")} has 1025 bytes or more; at most 1024 are read`);
    expect(readRegularTextFile(join(dir, "exact"), 1024).length).toBe(1024);
  });

  test("a missing file names the path", () => {
    expect(codeOf(() => readRegularTextFile(join(dir, "missing"), 10))).toStartWith(`FILE_UNREADABLE: cannot open ${join(dir, "missing")}: ENOENT`);
  });
});
