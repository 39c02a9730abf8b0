import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SatelliteError } from "../../src/platform/errors.ts";
import { readJsonFile, writeJsonFileAtomic } from "../../src/platform/json-file.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { makePrivateDir } from "../../src/platform/state-files.ts";
import { openDiskQueue } from "../../src/store/influxdb/disk-queue.ts";
import { createSqliteHistoryStore } from "../../src/store/sqlite/sqlite-history-store.ts";
import { sample } from "./history-store.contract.ts";

const root = mkdtempSync(join(tmpdir(), "satellite-state-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  return dir;
};
const mode = (path: string): number => statSync(path).mode & 0o777;
const T0 = Date.UTC(2026, 0, 1);
const openStore = (path: string) =>
  createSqliteHistoryStore({ path, retentionMs: 86_400_000, clock: new ManualClock(T0), logger: silentLogger, pruneIntervalMs: 0, integrityCheck: () => Object.assign(Promise.resolve({ kind: "ok" as const }), { cancel() {} }) });

function errorOf(fn: () => unknown): SatelliteError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SatelliteError) return error;
    throw error;
  }
  throw new Error("expected a SatelliteError");
}

describe("state files are private", () => {
  test("the state directory is created 0700, parents included", () => {
    const dir = join(root, "new-state", "inner");
    makePrivateDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(root, "new-state"))).toBe(0o700);
  });

  test("history.db and its -wal and -shm are 0600, even under a permissive umask", async () => {
    const dir = freshDir();
    const path = join(dir, "history.db");
    const previous = process.umask(0);
    try {
      const store = openStore(path);
      await store.appendSamples([sample({ ts: T0 })]);
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
      expect(mode(`${path}-shm`)).toBe(0o600);
      await store.close();
    } finally {
      process.umask(previous);
    }
  });

  test("a world-readable history.db left by an older version is narrowed to 0600", async () => {
    const dir = freshDir();
    const path = join(dir, "history.db");
    await openStore(path).close();
    chmodSync(path, 0o644);
    const store = openStore(path);
    expect(mode(path)).toBe(0o600);
    await store.close();
  });

  test("peers.json and the InfluxDB queue files are 0600", async () => {
    const dir = freshDir();
    const previous = process.umask(0);
    try {
      await writeJsonFileAtomic(join(dir, "peers.json"), [{ name: "a" }]);
      const queue = openDiskQueue(join(dir, "influxdb-queue.lp"), 1 << 20);
      queue.append(["m v=1 1"]);
      queue.commit(queue.peek(100).endOffset);
      expect(mode(join(dir, "peers.json"))).toBe(0o600);
      expect(mode(join(dir, "influxdb-queue.lp"))).toBe(0o600);
      expect(mode(join(dir, "influxdb-queue.lp.offset"))).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });
});

describe("a state file that is a symbolic link is refused, never followed", () => {
  test("history.db -> elsewhere: a clear error, the target untouched", () => {
    const dir = freshDir();
    const target = join(dir, "precious");
    writeFileSync(target, "not a database, and must stay so");
    symlinkSync(target, join(dir, "history.db"));
    const error = errorOf(() => openStore(join(dir, "history.db")));
    expect(error.code).toBe("STATE_FILE_SYMLINK");
    expect(error.message).toBe(`history database ${join(dir, "history.db")} is a symbolic link (to ${target}); satellite does not follow links for its state files`);
    expect(error.hint).toContain("--state-dir");
    expect(readFileSync(target, "utf8")).toBe("not a database, and must stay so");
  });

  test("a dangling link at history.db-wal is refused too", () => {
    const dir = freshDir();
    symlinkSync(join(dir, "nowhere"), join(dir, "history.db-wal"));
    expect(errorOf(() => openStore(join(dir, "history.db"))).code).toBe("STATE_FILE_SYMLINK");
    expect(existsSync(join(dir, "nowhere"))).toBe(false);
  });

  test("peers.json: reading a link is refused; writing replaces the link, not its target", async () => {
    const dir = freshDir();
    const target = join(dir, "target.json");
    writeFileSync(target, "[]");
    symlinkSync(target, join(dir, "peers.json"));
    let message = "";
    await readJsonFile(join(dir, "peers.json"), "known-peers file").catch((error: Error) => (message = error.message));
    expect(message).toContain(`known-peers file ${join(dir, "peers.json")} is a symbolic link`);
    // A link planted where the temp file goes is removed, not written through.
    symlinkSync(target, join(dir, "peers.json.tmp"));
    await writeJsonFileAtomic(join(dir, "peers.json"), [{ name: "b" }]);
    expect(readFileSync(target, "utf8")).toBe("[]");
    expect(lstatSync(join(dir, "peers.json")).isSymbolicLink()).toBe(false);
    expect(await readJsonFile(join(dir, "peers.json"))).toEqual([{ name: "b" }]);
  });

  test("known peers: a missing file reads as none; a dangling link there is still refused", async () => {
    const dir = freshDir();
    expect(await readJsonFile(join(dir, "peers.json"))).toBeUndefined();
    symlinkSync(join(dir, "nowhere"), join(dir, "peers.json"));
    let message = "";
    await readJsonFile(join(dir, "peers.json"), "known-peers file").catch((error: Error) => (message = error.message));
    expect(message).toContain(`known-peers file ${join(dir, "peers.json")} is a symbolic link`);
  });

  test.each(["influxdb-queue.lp", "influxdb-queue.lp.offset", "influxdb-queue.lp.tmp"])("InfluxDB queue: a link at %s is refused", (name) => {
    const dir = freshDir();
    const target = join(dir, "target");
    writeFileSync(target, "");
    symlinkSync(target, join(dir, name));
    const error = errorOf(() => openDiskQueue(join(dir, "influxdb-queue.lp"), 1 << 20));
    expect(error.code).toBe("STATE_FILE_SYMLINK");
    expect(error.message).toContain(`InfluxDB queue file ${join(dir, name)} is a symbolic link`);
  });
});
