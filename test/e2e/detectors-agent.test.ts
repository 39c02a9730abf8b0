import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor, waitForAgentStarted } from "../support/processes.ts";

/**
 * The compiled agent on this host with detectors over real files, ports and environment: the
 * detected tags scope a check at start, are gossiped in its own member entry, change when the
 * host changes, reach the timeline and are listed by `satellite detectors`.
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const work = mkdtempSync(join(tmpdir(), "satellite-e2e-detectors-"));
let agent: ReturnType<typeof Bun.spawn> | undefined;
afterAll(() => {
  agent?.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!existsSync(BINARY))("detectors in a running agent", () => {
  test("detected tags scope checks, are gossiped, follow the host and are listed", async () => {
    const [apiPort, gossipPort] = [await freePort(), await freePort()];
    const marker = join(work, "marker");
    writeFileSync(marker, "role: cache\n");
    const config = join(work, "satellite.yaml");
    writeFileSync(
      config,
      [
        "tags: { role: master, zone: eu-1 }",
        "defaultChecks: false",
        "detectors:",
        `  - { name: marked, applyIf: 'fileContains("${marker}", "role: cache") and env("SAT_E2E_DC") == "eu-1"', tags: { cache: "yes" }, interval: 1s }`,
        `  - { name: api, applyIf: 'portListening(${apiPort})', tags: { api: up }, interval: 1s }`,
        "checks:",
        `  - { name: cache-port, kind: tcp, address: "127.0.0.1:${apiPort}", applyOn: cache=yes }`,
        `  - { name: eu2-only, kind: tcp, address: "127.0.0.1:${apiPort}", applyOn: 'tag("zone") == "eu-2"' }`,
      ].join("\n"),
    );
    const argv = [BINARY, "agent", "--config", config, "--name", "d1", "--rpc-addr", `127.0.0.1:${apiPort}`, "--gossip-addr", `127.0.0.1:${gossipPort}`, "--state-dir", join(work, "d1")];
    agent = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", SAT_E2E_DC: "eu-1" } });
    const api = `http://127.0.0.1:${apiPort}`;
    const get = async <T>(path: string): Promise<T> => (await (await fetch(`${api}${path}`)).json()) as T;
    await waitForAgentStarted(`${api}`, 10_000, "the agent to start");

    // The first pass ran before the checks were planned.
    const checks = await get<{ checks: { name: string }[]; skipped: { name: string; reason: string }[] }>("/checks");
    expect(checks.checks.map((c) => c.name)).toEqual(["cache-port"]);
    expect(checks.skipped).toEqual([{ name: "eu2-only", kind: "tcp", reason: 'applyOn tag("zone") == "eu-2" does not hold on this node' }] as never);

    // The API binds before the detectors' first pass: api=up from the start; both are in the gossiped tags.
    const ownTags = async () => (await get<{ members: { name: string; tags: Record<string, string> }[] }>("/members")).members.find((m) => m.name === "d1")?.tags ?? {};
    await waitFor(async () => (await ownTags()).api === "up", 10_000, "api=up in the agent's own member tags");
    expect(await ownTags()).toMatchObject({ role: "master", zone: "eu-1", cache: "yes", api: "up" });

    // The host changes: the tag goes, and the timeline says so.
    rmSync(marker);
    await waitFor(async () => !("cache" in (await ownTags())), 10_000, "cache=yes to leave the member tags");
    const timeline = await get<{ events: { type: string; node: string; oldState?: string; newState?: string }[] }>("/history?type=TagsChanged");
    expect(timeline.events.map((e) => e.newState).sort()).toEqual(["api=up", "api=up,cache=yes"]);

    const cli = Bun.spawnSync([BINARY, "detectors", "--rpc-port", String(apiPort), "-o", "json"], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    expect(cli.exitCode).toBe(0);
    const listed = JSON.parse(cli.stdout.toString()) as { detectors: { name: string; applies: boolean }[]; tags: Record<string, string> };
    expect(listed.detectors.map((d) => [d.name, d.applies])).toEqual([["marked", false], ["api", true]]);
    expect(listed.tags).toEqual({ api: "up" });
    const table = Bun.spawnSync([BINARY, "detectors", "--rpc-port", String(apiPort)], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    expect(table.stdout.toString()).toContain("Detected tags: api=up");
  }, 60_000);
});
