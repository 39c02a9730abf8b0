import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../support/processes.ts";

/** The compiled executable (scripts/test.sh builds dist/satellite first); SATELLITE_E2E_BINARY names another build. */
const BINARY = process.env.SATELLITE_E2E_BINARY ?? join(import.meta.dir, "../../dist/satellite");
const work = mkdtempSync(join(tmpdir(), "satellite-reload-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface CheckRow {
  name: string;
  kind: string;
  intervalMs: number;
}

async function checkNames(base: string): Promise<string[]> {
  const body = (await (await fetch(`${base}/checks`)).json()) as { checks: CheckRow[] };
  return body.checks.map((c) => c.name).sort();
}

/** Everything the process writes to stderr, as it arrives. */
function collect(stream: ReadableStream<Uint8Array>): { text: () => string } {
  let text = "";
  const decoder = new TextDecoder();
  void (async () => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  })();
  return { text: () => text };
}

describe.skipIf(!existsSync(BINARY))("reload on SIGHUP (the compiled executable)", () => {
  test("new checks apply without a restart, history and the API stay; a bad file is refused with its problem and the running checks stay", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const config = join(work, "satellite.yaml");
    const check = (name: string, address: string) => `  - {name: ${name}, kind: tcp, address: "${address}", interval: 1s, timeout: 500ms}\n`;
    writeFileSync(config, `defaultChecks: false\nchecks:\n${check("closed-port", "127.0.0.1:1")}${check("kept", `127.0.0.1:${port}`)}`);
    const agent = Bun.spawn([BINARY, "agent", "--rpc-addr", `127.0.0.1:${port}`, "--state-dir", join(work, "state"), "--name", "reload-1", "--config", config, "--gossip-addr", "127.0.0.1:0"], {
      stdout: "ignore",
      stderr: "pipe",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    const stderr = collect(agent.stderr);
    try {
      await waitFor(async () => (await fetch(`${base}/history?type=ProbeFailed`).then((r) => r.text())).includes("closed-port"), 10_000, "closed-port failing in the history");
      expect(await checkNames(base)).toEqual(["closed-port", "kept"]);

      // The failing check goes, another comes, the kept one changes nothing.
      writeFileSync(config, `defaultChecks: false\nchecks:\n${check("kept", `127.0.0.1:${port}`)}${check("api-port", `127.0.0.1:${port}`)}`);
      agent.kill("SIGHUP");
      await waitFor(async () => JSON.stringify(await checkNames(base)) === JSON.stringify(["api-port", "kept"]), 10_000, "the reloaded checks in /checks");
      await waitFor(async () => (await fetch(`${base}/local`)).status === 200, 10_000, "/local running once the failing check is gone");
      expect(stderr.text()).toContain("configuration reloaded");
      expect(stderr.text()).toMatch(/checksAdded=api-port checksRemoved=closed-port/);
      // History from before the reload is still there.
      expect(await fetch(`${base}/history?type=ProbeFailed`).then((r) => r.text())).toContain("closed-port");

      // A bad file: the precise problem is logged and nothing changes.
      writeFileSync(config, "defaultChecks: false\nchecks:\n  - {name: x, kind: nope}\n");
      agent.kill("SIGHUP");
      await waitFor(() => stderr.text().includes("configuration not reloaded"), 10_000, "the refused reload in the log");
      expect(stderr.text()).toContain(`problem="config file ${config}, key checks[0].kind: unknown kind \\"nope\\"; allowed: disk-space`);
      expect(await checkNames(base)).toEqual(["api-port", "kept"]);
      expect(agent.exitCode).toBeNull();

      agent.kill("SIGTERM");
      expect(await Promise.race([agent.exited, Bun.sleep(6000).then(() => "timeout")])).toBe(0);
    } finally {
      agent.kill("SIGKILL");
    }
  }, 40_000);
});
