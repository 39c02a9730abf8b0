import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");

test("output larger than a pipe's buffer reaches a reader that is slow to read: the process waits for it before it exits", () => {
  const dir = mkdtempSync(join(tmpdir(), "satellite-exit-flush-"));
  try {
    const exited = join(dir, "exited");
    // The reader starts reading only once the writer is gone, or after 3 s: a writer that exits
    // with output still queued loses it, one that waits for the pipe to take it is read in full.
    const script = `{ "$BUN" src/main.ts config schema; touch "$EXITED"; } | { i=0; while [ ! -e "$EXITED" ] && [ $i -lt 150 ]; do sleep 0.02; i=$((i+1)); done; wc -c; }`;
    const result = Bun.spawnSync(["sh", "-c", script], { cwd: root, env: { ...process.env, BUN: process.execPath, EXITED: exited }, stdout: "pipe", stderr: "pipe" });
    expect(result.stderr.toString()).toBe("");
    const expected = statSync(join(root, "docs/config.schema.json")).size;
    expect(expected).toBeGreaterThan(65_536);
    expect(Number(result.stdout.toString().trim())).toBe(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
