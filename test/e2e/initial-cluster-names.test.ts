import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../support/processes.ts";

/** The compiled agent joins through the original agent's `name:addr` form of --initial-cluster. */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const ready = existsSync(BINARY);
if (!ready) console.warn("SKIP --initial-cluster name:addr: needs dist/satellite (npm test builds it)");

const dir = mkdtempSync(join(tmpdir(), "satellite-initial-cluster-"));
const agents: ReturnType<typeof Bun.spawn>[] = [];
afterAll(async () => {
  for (const agent of agents) agent.kill("SIGKILL");
  await Promise.all(agents.map((a) => a.exited));
  rmSync(dir, { recursive: true, force: true });
});

async function startAgent(name: string, extra: string[]): Promise<{ api: number; gossip: number }> {
  const [api, gossip] = [await freePort(), await freePort()];
  const argv = [BINARY, "agent", "--name", name, "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(dir, name), "--profile", "local", ...extra];
  agents.push(Bun.spawn(argv, { stdout: "ignore", stderr: "ignore", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } }));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${api}/livez`)).status === 200, 10_000, `${name}'s /livez`);
  return { api, gossip };
}

async function memberNames(api: number): Promise<string[]> {
  const body = (await (await fetch(`http://127.0.0.1:${api}/members`)).json()) as { members: { name: string; status: string }[] };
  return body.members.filter((m) => m.status === "alive").map((m) => m.name).sort();
}

test.skipIf(!ready)("agents join with name:host:port and name:host entries; a bad entry stops the start naming it", async () => {
  const first = await startAgent("n1", []);
  const second = await startAgent("n2", ["--initial-cluster", `n1:127.0.0.1:${first.gossip}`]);
  await waitFor(async () => (await memberNames(second.api)).join() === "n1,n2", 15_000, "n2 to see n1 after joining through n1:127.0.0.1:PORT");
  const third = await startAgent("n3", ["--initial-cluster", `n2:localhost:${second.gossip},nobody:127.0.0.1:1`]);
  await waitFor(async () => (await memberNames(third.api)).join() === "n1,n2,n3", 15_000, "n3 to see everyone");
  expect(await memberNames(first.api)).toEqual(["n1", "n2", "n3"]);

  const bad = Bun.spawnSync([BINARY, "agent", "--name", "n4", "--state-dir", join(dir, "n4"), "--initial-cluster", "n1:127.0.0.1:99999"], { stdout: "pipe", stderr: "pipe", timeout: 10_000 });
  expect(bad.exitCode).toBe(2);
  expect(bad.stderr.toString()).toContain('"n1:127.0.0.1:99999" has a bad port "99999" (1-65535); expected host, host:port, [ipv6]:port, name:host or name:host:port');
}, 60_000);
