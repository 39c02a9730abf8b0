import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../support/processes.ts";

/**
 * The compiled agent with the haproxy generator of examples/generators/: the template engine
 * works inside the executable, the file is written and checked by the real haproxy, a
 * key-value write reaches it, and `satellite generate --dry-run` prints it.
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const HAPROXY = Bun.which("haproxy") ?? (existsSync("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : undefined);
const work = mkdtempSync(join(tmpdir(), "satellite-e2e-generators-"));
let agent: ReturnType<typeof Bun.spawn> | undefined;
afterAll(() => {
  agent?.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = Bun.spawnSync([BINARY, ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe.skipIf(!existsSync(BINARY) || HAPROXY === undefined)("generators in the compiled agent", () => {
  test("renders the haproxy example, follows a key-value write, runs the command, and generate --dry-run prints it", async () => {
    const [apiPort, gossipPort] = [await freePort(), await freePort()];
    const etc = join(work, "etc");
    const out = join(work, "out");
    mkdirSync(etc);
    mkdirSync(out);
    copyFileSync(join(import.meta.dir, "../../examples/generators/haproxy.cfg.njk"), join(etc, "haproxy.cfg.njk"));
    const target = join(out, "haproxy.cfg");
    const runs = join(out, "runs");
    writeFileSync(
      join(etc, "satellite.yaml"),
      [
        "defaultChecks: false",
        "generators:",
        "  - name: haproxy",
        "    template: haproxy.cfg.njk",
        `    target: ${target}`,
        `    command: ${HAPROXY} -c -q -f "$SATELLITE_TARGET" && echo ran >> ${runs}`,
        "    debounce: 200ms",
        '    kvPrefixes: ["haproxy/"]',
      ].join("\n"),
    );
    const addr = `127.0.0.1:${apiPort}`;
    agent = Bun.spawn([BINARY, "agent", "--config", join(etc, "satellite.yaml"), "--name", "g1", "--rpc-addr", addr, "--gossip-addr", `127.0.0.1:${gossipPort}`, "--state-dir", join(work, "state")], { stdout: "ignore", stderr: "ignore" });
    await waitFor(() => existsSync(runs), 15_000, "the generator's command to run after the first write");
    const text = readFileSync(target, "utf8");
    expect(text).toContain("maxconn 4096\n");
    expect(text).toContain("server g1 127.0.0.1:8080 check");
    expect(Bun.spawnSync([HAPROXY as string, "-c", "-f", target]).exitCode).toBe(0);

    expect(cli("kv", "put", "haproxy/maxconn", "1500", "--addr", addr).code).toBe(0);
    await waitFor(() => readFileSync(target, "utf8").includes("maxconn 1500\n"), 10_000, "the key-value write to reach the file");
    await waitFor(() => readFileSync(runs, "utf8").trim().split("\n").length === 2, 10_000, "the command to run again");

    const dry = cli("generate", "haproxy", "--dry-run", "--addr", addr);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(readFileSync(target, "utf8"));
    expect(dry.stderr.trim()).toBe(`${target} is up to date`);
    const listed = cli("generate", "--addr", addr, "-o", "json");
    expect(JSON.parse(listed.stdout).generators[0]).toMatchObject({ name: "haproxy", lastCommand: { ok: true, exitCode: 0 } });
  }, 60_000);
});
