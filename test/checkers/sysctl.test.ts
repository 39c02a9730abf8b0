import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { sysctlKind, sysctlPath } from "../../src/checkers/sysctl.ts";
import { createRecordedHostFiles, systemHostFiles } from "../../src/platform/host-files.ts";
import { optionErrors, runOnce, testEnv } from "./_helpers.ts";

const kind = sysctlKind({ files: systemHostFiles });
const env = testEnv("/tmp");

describe("sysctl", () => {
  test("real /proc/sys value that matches -> running", async () => {
    const actual = readFileSync("/proc/sys/kernel/ostype", "utf8").trim();
    const [outcome] = await runOnce(kind, { parameter: "kernel.ostype", expected: actual }, env);
    expect(outcome).toMatchObject({ status: "running", detail: `kernel.ostype = ${actual}` });
  });

  test("real /proc/sys value that differs -> failed with the fix", async () => {
    const [outcome] = await runOnce(kind, { path: "/proc/sys/kernel/ostype", expected: "Plan9" }, env);
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error).toContain('is "Linux", expected "Plan9"');
    expect(outcome?.detail).toContain("sysctl -w kernel.ostype=");
  });

  test("multi-field values compare field by field (real net.ipv4.tcp_rmem)", async () => {
    const actual = readFileSync("/proc/sys/net/ipv4/tcp_rmem", "utf8");
    const spaced = actual.trim().split(/\s+/).join("   ");
    const [outcome] = await runOnce(kind, { parameter: "net.ipv4.tcp_rmem", expected: spaced }, env);
    expect(outcome?.status).toBe("running");
  });

  test("numbers are accepted as expected values", async () => {
    const value = readFileSync("/proc/sys/kernel/pid_max", "utf8").trim();
    const [outcome] = await runOnce(kind, { parameter: "kernel.pid_max", expected: Number(value) }, env);
    expect(outcome?.status).toBe("running");
  });

  test("absent sysctl -> running, skipped: absent; failIfAbsent -> failed", async () => {
    const [outcome] = await runOnce(kind, { parameter: "fs.may_detach_mounts_not_here" }, env);
    expect(outcome).toMatchObject({ status: "running", detail: "skipped: absent" });
    const [strict] = await runOnce(kind, { parameter: "fs.may_detach_mounts_not_here", failIfAbsent: true }, env);
    expect(strict?.status).toBe("failed");
  });

  test("recorded host: ip_forward 0 fails", async () => {
    const k = sysctlKind({ files: createRecordedHostFiles({ "/proc/sys/net/ipv4/ip_forward": "0\n" }) });
    const [outcome] = await runOnce(k, { parameter: "net.ipv4.ip_forward" }, env);
    expect(outcome?.error).toBe('sysctl net.ipv4.ip_forward is "0", expected "1"');
  });

  test("names map to paths", () => {
    expect(sysctlPath("net.ipv4.ip_forward")).toBe("/proc/sys/net/ipv4/ip_forward");
    expect(sysctlPath("net/ipv4/conf/eth0.100/forwarding")).toBe("/proc/sys/net/ipv4/conf/eth0.100/forwarding");
  });

  test("option errors", () => {
    expect(optionErrors(kind, {})).toEqual(["parameter: give exactly one of parameter or path"]);
    expect(optionErrors(kind, { path: "/etc/passwd" })).toEqual(["path: expected a path under /proc/sys/"]);
    expect(optionErrors(kind, { path: "/proc/sys/../../etc/shadow" })).toEqual(["path: path must not contain .."]);
  });
});
