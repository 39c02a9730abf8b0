import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { agentStarted, freePort } from "../../test/support/processes.ts";
import { until } from "../support/process-cpu.ts";

/**
 * A cluster of real agents (the compiled binary) on loopback for the key-value bench: each on
 * its own API and gossip ports, all joined to the first, no checks, the local gossip profile.
 */

export interface BenchAgents {
  apis: string[];
  pids: number[];
  stop(): void;
}

export async function startAgents(binary: string, work: string, count: number, kvArgs: string[], label: string): Promise<BenchAgents> {
  const children: ReturnType<typeof Bun.spawn>[] = [];
  const apis: string[] = [];
  let firstGossip = 0;
  const config = join(work, `${label}.yaml`);
  // No checks: the bench measures the key-value store, not probes competing for the 2 cores.
  writeFileSync(config, "defaultChecks: false\n");
  const stop = () => {
    for (const child of children) child.kill("SIGKILL");
  };
  try {
    for (let i = 0; i < count; i++) {
      const [api, gossip] = [await freePort(), await freePort()];
      const name = `${label}${i + 1}`;
      const argv = [binary, "agent", "--name", name, "--tags", i === 0 ? "role=master" : "role=node", "--profile", "local", "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(work, name), "--config", config, ...kvArgs];
      if (i > 0) argv.push("--initial-cluster", `127.0.0.1:${firstGossip}`);
      const child = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
      children.push(child);
      apis.push(`http://127.0.0.1:${api}`);
      if (i === 0) firstGossip = gossip;
      await until(() => agentStarted(`http://127.0.0.1:${api}`), 15_000, `${name} to start`);
    }
    for (const api of apis) {
      await until(
        async () => {
          const body = (await (await fetch(`${api}/members`)).json()) as { members: { status?: string }[] };
          return body.members.filter((m) => m.status === undefined || m.status === "alive").length === count;
        },
        30_000,
        `${api} to see all ${count} members alive`,
      );
    }
  } catch (error) {
    stop();
    throw error;
  }
  return { apis, pids: children.map((c) => c.pid), stop };
}
