import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunExec } from "../../src/platform/exec.ts";
import { waitFor } from "../support/processes.ts";

const FIXTURE = join(import.meta.dir, "../fixtures/exec/orphan-maker.ts");

interface FixtureReport {
  pid: number;
  status?: { pid1: boolean; adopting: boolean; reaping: boolean };
  zombieChildren: number;
  tagged: string[];
}

/** Runs the orphan maker (see the fixture), as PID 1 of a new PID namespace or as a plain process. */
async function orphanMaker(mode: "reaper" | "none", asPid1: boolean): Promise<FixtureReport> {
  const bun = [process.execPath, FIXTURE, mode];
  const argv = asPid1 ? ["unshare", "--fork", "--pid", "--mount-proc", ...bun] : bun;
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
  const killer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(killer);
  if (code !== 0) throw new Error(`orphan maker exited ${code}: ${stderr}`);
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as FixtureReport;
}

function requireUnshare(): void {
  if (!Bun.which("unshare") || process.getuid?.() !== 0) throw new Error("these tests need root and unshare (util-linux) to make a PID namespace");
}

describe("scripts run by an agent that is PID 1 (a container without an init)", () => {
  test("orphans of checks are collected and nothing a check started outlives it", async () => {
    requireUnshare();
    const report = await orphanMaker("reaper", true);
    expect(report.pid).toBe(1);
    expect(report.status).toEqual({ pid1: true, adopting: true, reaping: true });
    expect(report.zombieChildren).toBe(0);
    expect(report.tagged).toEqual([]);
  });

  test("without the reaper the same checks leave zombies behind (what the agent did before)", async () => {
    requireUnshare();
    const report = await orphanMaker("none", true);
    expect(report.pid).toBe(1);
    expect(report.zombieChildren).toBeGreaterThan(10);
  });
});

describe("scripts run by an agent under an init (a subreaper)", () => {
  test("a child that calls setsid comes back to the agent and is killed with its check", async () => {
    const report = await orphanMaker("reaper", false);
    expect(report.status).toEqual({ pid1: false, adopting: true, reaping: true });
    expect(report.zombieChildren).toBe(0);
    expect(report.tagged).toEqual([]);
  });
});

describe("exec without the reaper (any process): leftovers are found by their run tag", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "satellite-exec-reaping-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" };

  /** Gone, or a zombie (dead: whoever adopted it collects it). */
  const isDead = (pid: number): boolean => {
    if (!existsSync(`/proc/${pid}`)) return true;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
    } catch {
      return true;
    }
  };

  test.each([1, 2, 3])("a setsid child does not outlive its check (run %d)", async (run) => {
    const pidFile = join(dir, `escaped-${run}`);
    const script = join(dir, `escapes-${run}.sh`);
    writeFileSync(script, `#!/bin/sh\nsetsid sh -c 'echo $$ > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; exec sleep 300' &\nwhile [ ! -s ${pidFile} ]; do :; done\necho OK\n`);
    chmodSync(script, 0o755);
    const result = await bunExec.run([script], { env, signal: AbortSignal.timeout(5000), outputBytesMax: 1024 });
    expect(result.stdout.trim()).toBe("OK");
    const escaped = Number(readFileSync(pidFile, "utf8").trim());
    await waitFor(() => isDead(escaped), 2000, `setsid child ${escaped} to be killed`);
  });

  test("at timeout a grandchild in its own session is killed with the script", async () => {
    const pidFile = join(dir, "grandchild");
    const controller = new AbortController();
    const running = bunExec.run(["/bin/sh", "-c", `setsid sh -c 'echo $$ > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; exec sleep 300' & sleep 300`], { env, signal: controller.signal, outputBytesMax: 1024 });
    await waitFor(() => existsSync(pidFile), 5000, "the grandchild to start");
    controller.abort();
    expect((await running).aborted).toBe(true);
    const grandchild = Number(readFileSync(pidFile, "utf8").trim());
    await waitFor(() => isDead(grandchild), 2000, `grandchild ${grandchild} to be killed`);
  });
});
