import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `satellite agent` as a real process (the real file reader), bounded in time. */
async function agent(args: string[]): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../src/main.ts"), "agent", ...args], {
    stdout: "ignore",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    cwd: dir,
  });
  const killer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  clearTimeout(killer);
  return { code, stderr, ms: performance.now() - started };
}

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "satellite-config-file-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("satellite agent --config with something that is not a config file", () => {
  test("/dev/zero: exit 2 at once, naming the file", async () => {
    const run = await agent(["--config", "/dev/zero"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("config file /dev/zero: cannot read it: /dev/zero is a character device, not a regular file");
  });

  test("a FIFO nobody writes to: exit 2, no hang", async () => {
    const fifo = join(dir, "config.fifo");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    const run = await agent(["--config", fifo]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${fifo} is a FIFO (named pipe), not a regular file`);
  });

  test("tags over serf's meta limit: exit 2 naming the tag", async () => {
    const run = await agent(["--tags", `role:node,notes:${"x".repeat(600)}`, "--state-dir", join(dir, "state")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the largest is tag "notes"');
  });
});
