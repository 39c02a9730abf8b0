import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteReplicaStore } from "../../src/kv/sqlite-replica-store.ts";
import { runReplicaStoreContract } from "./replica-store-contract.ts";

const dir = mkdtempSync(join(tmpdir(), "kv-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

runReplicaStoreContract("sqlite", () => openSqliteReplicaStore(join(dir, `kv-${files++}.db`)));

test("sqlite: what was stored is there after reopening, and the file is private", () => {
  const path = join(dir, "reopen.db");
  const first = openSqliteReplicaStore(path);
  first.apply({ key: "k", value: new TextEncoder().encode("v"), version: { ms: 5, counter: 2, node: "n" } });
  first.close();
  const again = openSqliteReplicaStore(path);
  expect(again.get("k")?.version).toEqual({ ms: 5, counter: 2, node: "n" });
  again.close();
  expect(statSync(path).mode & 0o777).toBe(0o600);
});

test("sqlite: a file that is not a database is refused naming it", () => {
  const path = join(dir, "junk.db");
  require("node:fs").writeFileSync(path, "not a database at all, just text that is long enough to have a header".repeat(20));
  expect(() => openSqliteReplicaStore(path)).toThrow(/junk\.db/);
});

test("sqlite: kv.db and its -wal are 0600 under a permissive umask; a symbolic link is refused naming it", () => {
  const path = join(dir, "modes.db");
  const previous = process.umask(0o000);
  try {
    const store = openSqliteReplicaStore(path);
    store.apply({ key: "k", value: new Uint8Array([1]), version: { ms: 1, counter: 0, node: "n" } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    store.close();
  } finally {
    process.umask(previous);
  }
  const link = join(dir, "link.db");
  require("node:fs").symlinkSync(join(dir, "elsewhere.db"), link);
  expect(() => openSqliteReplicaStore(link)).toThrow(/link\.db is a symbolic link/);
});
