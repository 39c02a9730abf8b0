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

test("an agent's log lines of its last turn reach standard error when the process exits right after logging them", () => {
  // The writer holds a turn's lines for one write at the turn's end (platform/stderr-lines.ts);
  // process.exit ends the process before that microtask runs, so the exit hook must write them.
  const script = `import { createAgentPlatform } from "./src/cli/process-platform.ts";
const platform = createAgentPlatform({ level: "info", format: "logfmt" });
platform.logger.info("first words");
platform.logger.error("last words", { code: 3 });
process.exit(3);`;
  const result = Bun.spawnSync([process.execPath, "-e", script], { cwd: root, stdout: "pipe", stderr: "pipe" });
  expect(result.exitCode).toBe(3);
  const lines = result.stderr.toString().trim().split("\n");
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain('msg="first words"');
  expect(lines[1]).toContain('msg="last words" code=3');
}, 30_000);
