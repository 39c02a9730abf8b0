import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePluginOutput } from "../../src/checkers/_perfdata.ts";
import { scriptKind } from "../../src/checkers/script.ts";
import { bunExec } from "../../src/platform/exec.ts";
import { optionErrors, runOnce, testEnv } from "./_helpers.ts";
import { waitFor } from "./_processes.ts";

const kind = scriptKind({ exec: bunExec });
const env = testEnv("/tmp");
let dir = "";

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Gone, or a zombie no longer parented by us (init reaps it). */
function isGoneOrReaped(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return /^State:\s+Z/m.test(status) && !new RegExp(`^PPid:\\s+${process.pid}$`, "m").test(status);
  } catch {
    return true;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "satellite-script-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("script (Nagios plugin)", () => {
  test("exit 0 -> running, first line as detail, perfdata as metrics", async () => {
    const path = script("ok.sh", `echo "DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968 'inode use'=12%;80;90"\necho "second line"`);
    const [o] = await runOnce(kind, { command: [path] }, env);
    expect(o).toMatchObject({ status: "running", detail: "DISK OK - free space: / 3326 MB (56%);" });
    expect(o?.metrics).toEqual({ "/": 2643, "inode use": 12 });
    expect((o?.data as { longText: string }).longText).toBe("second line");
  });

  test.each([
    [1, "failed", "warning", "exited 1 (warning)"],
    [2, "failed", "critical", "exited 2 (critical)"],
    [3, "failed", undefined, "unknown"],
    [42, "failed", undefined, "unknown (exit code 42 is not a plugin state)"],
  ])("exit %p -> %s %s", async (code, status, severity, error) => {
    const path = script(`exit${code}.sh`, `echo "STATE $1"\nexit ${code}`);
    const [o] = await runOnce(kind, { command: [path, "arg-one"] }, env);
    expect(o?.status).toBe(status as "failed");
    expect(o?.severity).toBe(severity as "warning" | "critical" | undefined);
    expect(o?.error).toContain(error);
    expect(o?.detail).toBe("STATE arg-one");
  });

  test("no shell by default: metacharacters are plain arguments", async () => {
    const [o] = await runOnce(kind, { command: ["/bin/echo", "a;", "$(id)", "|x"] }, env);
    expect(o?.detail).toBe("a; $(id)");
  });

  test("shell: true runs one string through /bin/sh", async () => {
    const [o] = await runOnce(kind, { command: ["echo one | tr a-z A-Z; exit 1"], shell: true }, env);
    expect(o).toMatchObject({ status: "failed", severity: "warning", detail: "ONE" });
  });

  test("environment is explicit: only PATH by default, plus what env gives", async () => {
    process.env.SATELLITE_SECRET_TEST = "leak";
    const path = script("env.sh", 'echo "secret=${SATELLITE_SECRET_TEST:-none} extra=${EXTRA:-none} path=$PATH"');
    const [plain] = await runOnce(kind, { command: [path] }, env);
    expect(plain?.detail).toBe("secret=none extra=none path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    const [withEnv] = await runOnce(kind, { command: [path], env: { EXTRA: "x", PATH: "/bin" } }, env);
    expect(withEnv?.detail).toBe("secret=none extra=x path=/bin");
    delete process.env.SATELLITE_SECRET_TEST;
  });

  test("output is capped at outputBytesMax", async () => {
    const path = script("chatty.sh", "head -c 200000 /dev/zero | tr '\\0' 'x'\necho");
    const [o] = await runOnce(kind, { command: [path], outputBytesMax: 1024 }, env);
    expect(o?.status).toBe("running");
    expect(new TextEncoder().encode(o?.detail ?? "").length).toBeLessThanOrEqual(1024);
    expect((o?.data as { outputTruncated?: boolean }).outputTruncated).toBe(true);
  });

  test("timeout kills the whole process group, including a forked sleeping child", async () => {
    const pids = join(dir, "pids");
    const path = script("hang.sh", `sleep 300 &\necho "$$ $!" > ${pids}\nwait`);
    const controller = new AbortController();
    const run = runOnce(kind, { command: [path] }, env, controller.signal);
    await waitFor("the script to write its pids", () => existsSync(pids) && readFileSync(pids, "utf8").includes(" "), 5000);
    const [leader, child] = readFileSync(pids, "utf8").trim().split(" ").map(Number) as [number, number];
    controller.abort();
    const [o] = await run;
    expect(o?.status).toBe("failed");
    expect(o?.error).toContain("process group was killed");
    await waitFor(`processes ${leader} and ${child} to be gone`, () => isGoneOrReaped(leader) && isGoneOrReaped(child), 5000);
  });

  test("children left behind by a plugin that exited are killed too", async () => {
    const pidFile = join(dir, "bg-pid");
    const path = script("leaves-child.sh", `sleep 300 >/dev/null 2>&1 &\necho $! > ${pidFile}\necho OK`);
    const [o] = await runOnce(kind, { command: [path] }, env);
    expect(o?.status).toBe("running");
    const child = Number(readFileSync(pidFile, "utf8").trim());
    await waitFor(`leftover child ${child} to be gone`, () => isGoneOrReaped(child), 5000);
  });

  test("a child that escapes the process group (setsid) and keeps stdout open does not hold the check", async () => {
    if (!Bun.which("setsid")) throw new Error("setsid (util-linux) is not installed; this test needs it");
    const pidFile = join(dir, "escaped-pid");
    const path = script("escapes.sh", `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 300' &\nwhile [ ! -s ${pidFile} ]; do :; done\necho OK`);
    try {
      const [o] = await runOnce(kind, { command: [path] }, env, AbortSignal.timeout(5000));
      expect(o).toMatchObject({ status: "running", detail: "OK" });
    } finally {
      // The run kills it too (by its run tag); this only makes sure a failed run leaves nothing.
      const escaped = Number(readFileSync(pidFile, "utf8").trim());
      try {
        if (escaped > 0) process.kill(escaped, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  test("missing program -> failed naming it", async () => {
    const [o] = await runOnce(kind, { command: ["/nonexistent/check_thing"] }, env);
    expect(o?.status).toBe("failed");
    expect(o?.error).toContain("/nonexistent/check_thing");
  });

  test("option errors", () => {
    expect(optionErrors(kind, { command: [] })).toEqual(["command: expected [program, args...]"]);
    expect(optionErrors(kind, { command: ["a", "b"], shell: true })).toEqual(["command: with shell: true, give the whole shell command as one string"]);
    expect(optionErrors(kind, { command: ["/bin/true"], env: { "BAD-NAME": "x" } })).toEqual(['env.BAD-NAME: "BAD-NAME" is not an environment variable name']);
  });
});

describe("plugin output parsing", () => {
  test("quoted labels with spaces and '' escapes, UOM, thresholds, min/max", () => {
    const out = parsePluginOutput("LOAD OK|'it''s load'=0.5;1;2;0; time=12ms;;;0;1000 bad=abc\nmore text|rta=0.1ms");
    expect(out.summary).toBe("LOAD OK");
    expect(out.longText).toBe("more text");
    expect(out.perfdata).toEqual([
      { label: "it's load", value: 0.5, uom: "", warn: "1", crit: "2", min: 0 },
      { label: "time", value: 12, uom: "ms", min: 0, max: 1000 },
      { label: "rta", value: 0.1, uom: "ms" },
    ]);
    expect(out.invalid).toEqual(["bad=abc"]);
  });

  test("no perfdata", () => {
    expect(parsePluginOutput("just text\n")).toEqual({ summary: "just text", longText: "", perfdata: [], invalid: [] });
  });
});
