import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseUnitsPlain, problemUnits, systemdKind } from "../../src/checkers/systemd.ts";
import { bunExec, createRecordedExec } from "../../src/platform/exec.ts";
import { runOnce, testEnv } from "./_helpers.ts";

// Recorded/representative systemd 252 outputs; see test/fixtures/systemd/README.md.
const fixture = (name: string): string => readFileSync(join(import.meta.dir, "../fixtures/systemd", name), "utf8");
const env = testEnv("/tmp");

describe("systemd", () => {
  test("healthy listing -> one running outcome", async () => {
    const exec = createRecordedExec(() => ({ stdout: fixture("list-units-healthy.json") }));
    const outcomes = await runOnce(systemdKind({ exec }), {}, env);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ status: "running", detail: "10 units, none failed" });
    expect(exec.calls[0]).toEqual(["systemctl", "list-units", "--all", "--no-pager", "--output=json"]);
  });

  test("failed and load-error units -> one failed outcome each, detail = unit", async () => {
    const exec = createRecordedExec(() => ({ stdout: fixture("list-units-failed.json") }));
    const outcomes = await runOnce(systemdKind({ exec }), {}, env);
    expect(outcomes.map((o) => [o.status, o.detail])).toEqual([
      ["failed", "docker.service"],
      ["failed", "etcd-backup.service"],
      ["failed", "motd-news.service"],
    ]);
    expect(outcomes[0]?.error).toBe("unit docker.service has failed");
    expect(outcomes[1]?.error).toBe("unit etcd-backup.service failed to load (bad-setting)");
  });

  test("ignoreUnits with globs", async () => {
    const exec = createRecordedExec(() => ({ stdout: fixture("list-units-failed.json") }));
    const outcomes = await runOnce(systemdKind({ exec }), { ignoreUnits: ["motd-*", "etcd-backup.service"] }, env);
    expect(outcomes.map((o) => o.detail)).toEqual(["docker.service"]);
  });

  test("older systemd without JSON output -> falls back to the plain listing", async () => {
    const exec = createRecordedExec((argv) =>
      argv.includes("--output=json") ? { exitCode: 1, stderr: "Unknown output 'json'." } : { stdout: fixture("list-units-failed-plain.txt") },
    );
    const outcomes = await runOnce(systemdKind({ exec }), {}, env);
    expect(outcomes.map((o) => o.detail)).toEqual(["docker.service", "etcd-backup.service", "motd-news.service"]);
  });

  test("plain parsing drops the failure bullet", () => {
    const units = parseUnitsPlain("● docker.service loaded failed failed Docker\n");
    expect(problemUnits(units, [])).toEqual([{ unit: "docker.service", load: "loaded", active: "failed", sub: "failed" }]);
  });

  test("real systemctl on this host (no systemd as PID 1) -> failed saying why, not thrown", async () => {
    if (!Bun.which("systemctl")) throw new Error("systemctl is not installed; this test needs the binary (apt systemd)");
    const outcomes = await runOnce(systemdKind({ exec: bunExec }), {}, env);
    expect(outcomes).toHaveLength(1);
    // On a host booted with systemd this is running; here PID 1 is not systemd.
    if (outcomes[0]?.status === "failed") expect(outcomes[0].error).toContain("systemctl list-units failed");
  });
});
