import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor, waitForAgentStarted } from "../support/processes.ts";

/** Runs the compiled dist/satellite as an operator would (scripts/test.sh builds it first). */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const work = mkdtempSync(join(tmpdir(), "satellite-e2e-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]) {
  const result = Bun.spawnSync([BINARY, ...args], { stdout: "pipe", stderr: "pipe", timeout: 15_000 });
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
}

describe.skipIf(!existsSync(BINARY))("dist/satellite end to end", () => {
  test("agent starts, answers /status and the CLI, records history, stops on SIGTERM with exit 0", async () => {
    const port = await freePort();
    const stateDir = join(work, "state");
    const config = join(work, "satellite.yaml");
    writeFileSync(config, `checks:\n  - {name: closed-port, kind: tcp, address: "127.0.0.1:1", intervalMs: 1000, timeoutMs: 500}\n`);
    const agent = Bun.spawn([BINARY, "agent", "--rpc-addr", `127.0.0.1:${port}`, "--state-dir", stateDir, "--name", "e2e-1", "--config", config, "--gossip-addr", "127.0.0.1:0"], {
      stdout: "pipe",
      stderr: "pipe",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForAgentStarted(`${base}`, 10_000, "the agent to start");
      await waitFor(async () => {
        const body = (await (await fetch(`${base}/status`)).json()) as { nodes?: { status?: string; probes?: { checker: string }[] }[] };
        const names = body.nodes?.[0]?.probes?.map((p) => p.checker) ?? [];
        // The node's own status appears once every check has run (honest start-up).
        return names.includes("closed-port") && names.includes("disk-space") && body.nodes?.[0]?.status !== undefined;
      }, 10_000, "the configured and the built-in probes in /status, after start-up");
      const res = await fetch(`${base}/status`);
      expect(res.status).toBe(503);
      const status = (await res.json()) as { status: string; summary: string; timestamp: string; nodes: { name: string; probes: { checker: string; status: string }[] }[] };
      expect(status.status).toBe("degraded");
      expect(status.summary).toContain("degraded nodes: e2e-1");
      expect(status.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      // Built-in checks run beside the configured one; which ones depends on the host.
      expect(status.nodes[0]?.probes.map((p) => p.checker)).toContain("disk-space");
      expect(status.nodes[0]?.probes.find((p) => p.checker === "closed-port")?.status).toBe("failed");

      const cliStatus = run(["status", "--rpc-port", String(port)]);
      expect(cliStatus.code).toBe(1);
      expect(JSON.parse(cliStatus.out)).toMatchObject({ status: "degraded" });
      const history = run(["history", "--rpc-port", String(port)]);
      expect(history.code).toBe(0);
      expect(history.out).toContain("Probe Failed [e2e-1] [closed-port]");
      expect(history.out).toContain("Node Degraded [e2e-1]");
      expect(history.out).toContain("Cluster Degraded");
      const checks = run(["checks", "--rpc-port", String(port)]);
      expect(checks.out).toMatch(/closed-port +tcp +1s +(just now|\d+s ago) +failed: cannot connect to 127.0.0.1:1: connection refused by 127.0.0.1:1/);

      agent.kill("SIGTERM");
      const exitCode = await Promise.race([agent.exited, Bun.sleep(6000).then(() => "timeout")]);
      expect(exitCode).toBe(0);
      expect(existsSync(join(stateDir, "history.db"))).toBe(true);
    } finally {
      agent.kill("SIGKILL");
    }
    // History survives a restart.
    const port2 = await freePort();
    const again = Bun.spawn([BINARY, "agent", "--rpc-addr", `127.0.0.1:${port2}`, "--state-dir", stateDir, "--name", "e2e-1", "--config", config, "--gossip-addr", "127.0.0.1:0"], { stdout: "ignore", stderr: "ignore" });
    try {
      await waitForAgentStarted(`http://127.0.0.1:${port2}`, 10_000, "the restarted agent");
      expect(run(["history", "--rpc-port", String(port2), "--type", "ProbeFailed"]).out).toContain("[closed-port]");
    } finally {
      again.kill("SIGTERM");
      await again.exited;
    }
  });

  test("without --state-dir, as `npm start` runs it: state goes to ./.satellite of the working directory", async () => {
    const cwd = mkdtempSync(join(work, "bare-"));
    const port = await freePort();
    const agent = Bun.spawn([BINARY, "agent", "--rpc-addr", `127.0.0.1:${port}`, "--gossip-addr", "127.0.0.1:0"], {
      cwd,
      stdout: "ignore",
      stderr: "pipe",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    try {
      const up = await Promise.race([
        waitForAgentStarted(`http://127.0.0.1:${port}`, 10_000, "the bare agent to start").then(() => true),
        agent.exited.then(async (code) => `exited ${code}: ${await new Response(agent.stderr).text()}`),
      ]);
      expect(up).toBe(true);
      expect(existsSync(join(cwd, ".satellite", "history.db"))).toBe(true);
    } finally {
      agent.kill("SIGTERM");
      await agent.exited;
    }
  });

  test("status exits 2 with a message when no agent runs there", async () => {
    const result = run(["status", "--rpc-port", String(await freePort())]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("cannot reach the agent at http://127.0.0.1:");
  });

  test("a bad config file exits 2 naming the file and key", () => {
    const bad = join(work, "bad.yaml");
    writeFileSync(bad, "checks:\n  - {name: x, kind: nope}\n");
    const result = run(["agent", "--config", bad, "--state-dir", join(work, "s2"), "--rpc-addr", "127.0.0.1:0"]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`config file ${bad}, key checks[0].kind: unknown kind "nope"`);
  });

  test("version has the build facts, OS, architecture and runtime; --version is one line", () => {
    const version = JSON.parse(run(["version"]).out);
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(version.gitCommit).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(version).toMatchObject({ os: "linux", arch: process.arch === "x64" ? "amd64" : process.arch });
    expect(version.runtime).toMatch(/^bun \d+\.\d+\.\d+/);
    const line = run(["--version"]);
    expect(line.code).toBe(0);
    expect(line.out.trim()).toBe(`satellite ${version.version} (commit ${version.gitCommit}, ${version.gitTreeState}) linux/${version.arch} ${version.runtime}`);
  });
});
