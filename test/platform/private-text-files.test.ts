import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processPrivateTextFiles, processPrivateTextFilesFor } from "../../src/platform/private-text-files.ts";

describe("private text files on disk", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "satellite-private-files-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a missing file reads as undefined; a written one is 0600 and reads back", () => {
    const path = join(dir, "maintenance.json");
    expect(processPrivateTextFiles.read(path, 1024)).toBeUndefined();
    processPrivateTextFiles.writeAtomic(path, '{"windows":[]}');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(processPrivateTextFiles.read(path, 1024)).toBe('{"windows":[]}');
  });

  test("a link is refused naming what the file is; a file over the bound is refused", () => {
    const target = join(dir, "elsewhere.json");
    writeFileSync(target, "{}");
    const link = join(dir, "outbox.json");
    symlinkSync(target, link);
    expect(() => processPrivateTextFilesFor("notification outbox").read(link, 1024)).toThrow(/notification outbox/);
    writeFileSync(join(dir, "big.json"), "x".repeat(2048));
    expect(() => processPrivateTextFiles.read(join(dir, "big.json"), 1024)).toThrow();
  });
});
