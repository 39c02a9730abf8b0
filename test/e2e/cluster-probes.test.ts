import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor, waitForAgentStarted } from "../support/processes.ts";

/**
 * Three compiled agents on loopback, every API on 127.0.0.1 only: what a check finds on one
 * node shows on every node, with its error text, through the gossip port alone.
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const work = mkdtempSync(join(tmpdir(), "satellite-e2e-cluster-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const p of procs) p.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

interface NodeJson {
  name: string;
  reported_at?: string;
  probes?: { checker: string; status: string; error?: string; detail?: string }[];
  peers?: { name: string; rtt_samples: number }[];
}

interface Agent {
  name: string;
  api: string;
  apiPort: number;
  gossipPort: number;
}

async function startAgent(name: string, gossipPort: number, join: number | undefined, checks: string): Promise<Agent> {
  const apiPort = await freePort();
  const config = join_(work, `${name}.yaml`);
  writeFileSync(config, checks);
  const argv = [BINARY, "agent", "--name", name, "--tags", name === "n1" ? "role:master" : "role:node", "--rpc-addr", `127.0.0.1:${apiPort}`, "--gossip-addr", `127.0.0.1:${gossipPort}`, "--state-dir", join_(work, name), "--config", config];
  if (join !== undefined) argv.push("--initial-cluster", `127.0.0.1:${join}`);
  procs.push(Bun.spawn(argv, { stdout: "ignore", stderr: "ignore", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } }));
  const api = `http://127.0.0.1:${apiPort}`;
  await waitForAgentStarted(`${api}`, 10_000, `${name} to start`);
  return { name, api, apiPort, gossipPort };
}
const join_ = join;

async function nodesOf(agent: Agent, query = ""): Promise<NodeJson[]> {
  return ((await (await fetch(`${agent.api}/status${query}`)).json()) as { nodes?: NodeJson[] }).nodes ?? [];
}

function run(args: string[]) {
  const result = Bun.spawnSync([BINARY, ...args], { stdout: "pipe", stderr: "pipe", timeout: 15_000 });
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
}

describe.skipIf(!existsSync(BINARY))("three agents on loopback, APIs on 127.0.0.1 only", () => {
  test("a script check failing on n1 shows with its error text in n2's /status; every node's probes are listed; history and details answer on any node", async () => {
    const [g1, g2, g3] = [await freePort(), await freePort(), await freePort()];
    // The check on n1 fails once the flag file exists: after the three agents run.
    const flag = join_(work, "raid-broken");
    const raidCheck = (script: string) => `checks:\n  - { name: raid, kind: script, command: ["/bin/sh", "-c", ${JSON.stringify(script)}], intervalMs: 1000 }\n`;
    const n1 = await startAgent("n1", g1, undefined, raidCheck(`if [ -f ${flag} ]; then echo 'CRITICAL - md0 is degraded, 1 of 2 disks'; exit 2; fi; echo 'OK - md0 clean'`));
    const n2 = await startAgent("n2", g2, g1, raidCheck("echo 'OK - md0 clean'"));
    const n3 = await startAgent("n3", g3, g1, raidCheck("echo 'OK - md0 clean'"));
    await waitFor(async () => (await nodesOf(n3)).length === 3, 15_000, "the three agents to see each other");
    writeFileSync(flag, "");

    // n1's own view of its failing probe: the text every other node must show.
    let own: NodeJson["probes"] = [];
    await waitFor(async () => {
      own = ((await (await fetch(`${n1.api}/local`)).json()) as NodeJson).probes ?? [];
      return own.some((p) => p.checker === "raid" && p.status === "failed");
    }, 15_000, "n1's raid probe to fail");
    const raid = own.find((p) => p.checker === "raid");
    expect(`${raid?.error} ${raid?.detail}`).toContain("md0 is degraded");

    await waitFor(async () => {
      const remote = (await nodesOf(n2)).find((n) => n.name === "n1")?.probes?.find((p) => p.checker === "raid");
      return remote?.status === "failed" && remote.error === raid?.error && remote.detail === raid?.detail;
    }, 15_000, "n2's /status to show n1's raid probe with its error text");

    // Every node lists every node's running probes (the built-in ones too), each with reported_at.
    await waitFor(async () => {
      for (const agent of [n1, n2, n3]) {
        const nodes = await nodesOf(agent);
        if (nodes.length !== 3) return false;
        for (const node of nodes) {
          const names = node.probes?.map((p) => p.checker) ?? [];
          if (!names.includes("raid") || !names.includes("disk-space") || !node.reported_at) return false;
        }
      }
      return true;
    }, 20_000, "every node's /status to list every node's probes");
    const n3Of2 = (await nodesOf(n2)).find((n) => n.name === "n3");
    expect(n3Of2?.probes?.find((p) => p.checker === "raid")?.status).toBe("running");

    // The cluster timeline on every node: n1's ProbeFailed answers on n3.
    const history = run(["history", "--rpc-port", String(n3.apiPort), "--node", "n1", "--type", "ProbeFailed"]);
    expect(history.code).toBe(0);
    expect(history.out).toContain("[n1] [raid]");

    // Details over gossip: n2 asks n1 and n3 for their measurements, with every API on loopback.
    await waitFor(async () => {
      const details = await nodesOf(n2, "?details");
      return ["n1", "n3"].every((name) => (details.find((n) => n.name === name)?.peers?.length ?? 0) > 0);
    }, 20_000, "n2's /status?details to carry n1's and n3's per-peer measurements");
    const cli = run(["status", "--details", "--rpc-port", String(n2.apiPort)]);
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.out).nodes.find((n: NodeJson) => n.name === "n1").probes.find((p: { checker: string }) => p.checker === "raid").error).toBe(raid?.error);
  }, 90_000);
});
