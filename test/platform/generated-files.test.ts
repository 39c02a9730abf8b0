import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemGeneratedFiles } from "../../src/platform/generated-files.ts";

const work = mkdtempSync(join(tmpdir(), "satellite-generated-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => {
  const dir = join(work, String(++dirs));
  mkdirSync(dir);
  return dir;
};

describe("generated files", () => {
  test("written with the configured mode whatever the umask, and no temp file is left", () => {
    const dir = freshDir();
    const target = join(dir, "haproxy.cfg");
    const umask = process.umask(0o077);
    try {
      expect(systemGeneratedFiles.writeIfChanged(target, "backend a\n", 0o644)).toBe("written");
    } finally {
      process.umask(umask);
    }
    expect(readFileSync(target, "utf8")).toBe("backend a\n");
    expect(statSync(target).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir)).toEqual(["haproxy.cfg"]);
  });

  test("the same content is not written again: same inode, same modification time", () => {
    const target = join(freshDir(), "a.cfg");
    systemGeneratedFiles.writeIfChanged(target, "one\n", 0o640);
    const before = statSync(target);
    expect(systemGeneratedFiles.writeIfChanged(target, "one\n", 0o640)).toBe("unchanged");
    const after = statSync(target);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(systemGeneratedFiles.holds(target, "one\n")).toBe(true);
    expect(systemGeneratedFiles.holds(target, "two\n")).toBe(false);
    // A change replaces the file by rename: a reader holding the old one keeps a whole old file.
    expect(systemGeneratedFiles.writeIfChanged(target, "two\n", 0o640)).toBe("written");
    expect(statSync(target).ino).not.toBe(before.ino);
    expect(readFileSync(target, "utf8")).toBe("two\n");
  });

  test("a target that is a symbolic link is refused and its target left alone", () => {
    const dir = freshDir();
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious\n");
    const target = join(dir, "haproxy.cfg");
    symlinkSync(victim, target);
    expect(() => systemGeneratedFiles.writeIfChanged(target, "owned\n", 0o644)).toThrow(/is a symbolic link; generators replace regular files only/);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });

  test("a missing directory is an error that names it and says to create it", () => {
    const missing = join(work, "missing");
    const write = () => systemGeneratedFiles.writeIfChanged(join(missing, "x.cfg"), "x", 0o644);
    expect(write).toThrow(`${missing}, the directory of ${missing}/x.cfg, does not exist`);
    expect(() => systemGeneratedFiles.checkTarget(join(missing, "x.cfg"))).toThrow("does not exist");
    try {
      write();
    } catch (error) {
      expect((error as { hint?: string }).hint).toBe(`create ${missing}, or point the target into an existing directory`);
    }
  });

  test("checkTarget refuses what a write would refuse, and nothing else", () => {
    const dir = freshDir();
    writeFileSync(join(dir, "victim"), "precious\n");
    symlinkSync(join(dir, "victim"), join(dir, "link.cfg"));
    expect(() => systemGeneratedFiles.checkTarget(join(dir, "link.cfg"))).toThrow("is a symbolic link");
    expect(() => systemGeneratedFiles.checkTarget(dir)).toThrow("exists and is not a regular file");
    expect(() => systemGeneratedFiles.checkTarget(join(dir, "new.cfg"))).not.toThrow();
    expect(() => systemGeneratedFiles.checkTarget(join(dir, "victim"))).not.toThrow();
    expect(readdirSync(dir).sort()).toEqual(["link.cfg", "victim"]);
  });

  test("includes are read inside the template directory only, links followed and checked", () => {
    const dir = freshDir();
    writeFileSync(join(dir, "part.njk"), "part");
    const secret = join(freshDir(), "secret");
    writeFileSync(secret, "secret");
    symlinkSync(secret, join(dir, "link.njk"));
    expect(systemGeneratedFiles.readInside(dir, "part.njk", 1024)).toBe("part");
    expect(() => systemGeneratedFiles.readInside(dir, "link.njk", 1024)).toThrow(/outside the template directory/);
    expect(() => systemGeneratedFiles.readInside(dir, secret, 1024)).toThrow(/outside the template directory/);
    expect(() => systemGeneratedFiles.readInside(dir, "../x", 1024)).toThrow(/cannot open|outside/);
  });
});
