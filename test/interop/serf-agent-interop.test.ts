import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor, waitForAgentStarted } from "../support/processes.ts";
import { freePort, serfAvailable, startSerf, type SerfAgent } from "../wire/serf-agent.ts";

/**
 * The compiled agent and the real `serf agent` (Debian serf 0.9.4) in one encrypted cluster:
 * each lists the other with its tags, each detects the other's kill -9, and a graceful leave
 * shows as left on both sides.
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const KEY = "T9jncgl9mbLus+baTTa7q7nPSUN1ulRTPzZDQpiaqsE=";
const work = mkdtempSync(join(tmpdir(), "satellite-interop-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(work, { recursive: true, force: true });
});

interface Sat {
  proc: ReturnType<typeof Bun.spawn>;
  api: string;
  gossipPort: number;
  members(): Promise<{ name: string; status: string; tags: Record<string, string> }[]>;
}

async function startSatellite(name: string, join: string[], tags = "role:master"): Promise<Sat> {
  const apiPort = await freePort();
  const gossipPort = await freePort();
  const proc = Bun.spawn(
    [BINARY, "agent", "--name", name, "--tags", tags, "--rpc-addr", `127.0.0.1:${apiPort}`, "--gossip-addr", `127.0.0.1:${gossipPort}`, "--state-dir", mkdtempSync(join_(work, `${name}-`)), "--encrypt", KEY, ...(join.length ? ["--initial-cluster", join.join(",")] : [])],
    { stdout: "ignore", stderr: "ignore" },
  );
  cleanups.push(() => void proc.kill("SIGKILL"));
  const api = `http://127.0.0.1:${apiPort}`;
  await waitForAgentStarted(`${api}`, 10_000, `${name} to start`);
  return {
    proc,
    api,
    gossipPort,
    members: async () => ((await (await fetch(`${api}/members`)).json()) as { members: Awaited<ReturnType<Sat["members"]>> }).members,
  };
}
const join_ = join;

async function serfStatus(serf: SerfAgent, name: string): Promise<string | undefined> {
  return (await serf.members()).find((m) => m.name === name)?.status;
}

describe.skipIf(!serfAvailable() || !existsSync(BINARY))("interop with the real serf agent", () => {
  test("one encrypted cluster: join both ways, tags, kill detection both ways, graceful leave", async () => {
    const s1 = await startSerf({ name: "serf-1", tags: { dc: "lab" }, keyringKeys: [KEY] });
    cleanups.push(() => s1.stop());
    const sat1 = await startSatellite("sat-1", [`127.0.0.1:${s1.bind.port}`]);

    // Our agent joined serf's cluster: serf lists it alive with our tags (and the health digest).
    await waitFor(async () => (await serfStatus(s1, "sat-1")) === "alive", 15_000, "serf to list sat-1 alive");
    const seen = (await s1.members()).find((m) => m.name === "sat-1");
    expect(seen?.tags.role).toBe("master");
    expect(seen?.tags.sat).toMatch(/^[rdu]$/);
    await waitFor(async () => (await sat1.members()).some((m) => m.name === "serf-1" && m.status === "alive"), 10_000, "sat-1 to list serf-1");
    expect((await sat1.members()).find((m) => m.name === "serf-1")?.tags).toEqual({ dc: "lab" });

    // A plain serf peer neither degrades the status nor carries probes.
    const status = (await (await fetch(`${sat1.api}/status`)).json()) as { status: string; nodes: { name: string; probes?: unknown[] }[] };
    expect(status.nodes.find((n) => n.name === "serf-1")?.probes).toBeUndefined();

    // serf joins ours.
    const s2 = await startSerf({ name: "serf-2", keyringKeys: [KEY] });
    cleanups.push(() => s2.stop());
    const joined = Bun.spawnSync(["serf", "join", `-rpc-addr=${s2.rpcAddr}`, `127.0.0.1:${sat1.gossipPort}`]);
    expect(joined.exitCode).toBe(0);
    await waitFor(async () => (await sat1.members()).some((m) => m.name === "serf-2" && m.status === "alive"), 10_000, "sat-1 to list serf-2");

    // kill -9 of serf is detected by our agent.
    await s2.stop();
    await waitFor(async () => (await sat1.members()).find((m) => m.name === "serf-2")?.status === "failed", 30_000, "sat-1 to see serf-2 failed");

    // kill -9 of our agent is detected by serf.
    const sat2 = await startSatellite("sat-2", [`127.0.0.1:${s1.bind.port}`], "role:node");
    await waitFor(async () => (await serfStatus(s1, "sat-2")) === "alive", 15_000, "serf to list sat-2");
    // The two Satellite agents share their probe lists through the same encrypted gossip port,
    // and serf is never sent one of those messages (it would log each as of unknown type).
    await waitFor(
      async () => {
        const nodes = ((await (await fetch(`${sat1.api}/status`)).json()) as { nodes: { name: string; probes?: { checker: string }[] }[] }).nodes;
        return (nodes.find((n) => n.name === "sat-2")?.probes ?? []).some((p) => p.checker === "disk-space");
      },
      15_000,
      "sat-1 to list sat-2's probes",
    );
    expect(s1.log()).not.toMatch(/unknown type|invalid msgType|msg type \(\d+\) not supported/i);
    sat2.proc.kill("SIGKILL");
    await waitFor(async () => (await serfStatus(s1, "sat-2")) === "failed", 30_000, "serf to see sat-2 failed");

    // A graceful leave shows as left on both sides.
    const leave = await fetch(`${sat1.api}/leave`, { method: "POST" });
    expect(leave.status).toBe(200);
    // Normally within a second; if every copy of the leave is lost, serf's own suspicion of the
    // silent node (up to 6 x 4 s here) still ends in "left" because it heard the leave intent.
    await waitFor(async () => (await serfStatus(s1, "sat-1")) === "left", 40_000, "serf to see sat-1 left");
    expect(s1.log()).not.toMatch(/EventMemberFailed: sat-1 /);
  }, 120_000);
});
