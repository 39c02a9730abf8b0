import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess, TCPSocketListener } from "bun";
import { freePort, waitFor, waitForAgentStarted } from "../support/processes.ts";

/** The compiled executable, with the dashboard built in (scripts/test.sh builds it first). */
export const BINARY = join(import.meta.dir, "../../dist/satellite");

/** A TCP listener a check points at: up, the check runs; down, it fails (connection refused). */
export interface Switch {
  port: number;
  up(): void;
  down(): void;
}

function tcpSwitch(): Switch {
  // The checker connects and closes first, so the closed sockets wait in TIME_WAIT on its side
  // and the port can be bound again after down().
  const listen = (port: number): TCPSocketListener => Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } });
  let listener: TCPSocketListener | undefined = listen(0);
  const port = listener.port;
  const sw: Switch = {
    port,
    up() {
      listener ??= listen(port);
    },
    down() {
      listener?.stop(true);
      listener = undefined;
    },
  };
  return sw;
}

interface NodePlan {
  name: string;
  tags: string;
  checks: string[];
}

export interface RealNode {
  name: string;
  apiPort: number;
  gossipPort: number;
  process: Subprocess;
}

/**
 * Real agents from dist/satellite on loopback, built-in checks off, gossip tuned for one
 * host: the first serves the dashboard the browser opens; node 2 (`ui-2`) has a check
 * `flip` that fails when `flip.down()` is called. Every agent is killed by `stop()`.
 */
export interface UiCluster {
  base: string;
  nodes: RealNode[];
  flip: Switch;
  /** Stops node `index` (SIGTERM) and waits for it to exit. */
  stopNode(index: number): Promise<void>;
  /** Starts node `index` again with the same ports, state and checks. */
  startNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startUiCluster(work: string, size = 2): Promise<UiCluster> {
  const steady = tcpSwitch();
  const flip = tcpSwitch();
  const plans: NodePlan[] = Array.from({ length: size }, (_, i) => ({
    name: `ui-${i + 1}`,
    tags: i === 0 ? "role:master,zone:a" : `role:node,zone:${String.fromCharCode(97 + (i % 3))}`,
    checks: [
      `{name: steady, kind: tcp, address: "127.0.0.1:${steady.port}", intervalMs: 1000, timeoutMs: 500}`,
      ...(i === 1 ? [`{name: flip, kind: tcp, address: "127.0.0.1:${flip.port}", intervalMs: 200, timeoutMs: 150}`] : []),
      ...(i === 2 ? [`{name: legacy-port, kind: tcp, address: "127.0.0.1:1", intervalMs: 1000, timeoutMs: 500, severity: warning}`] : []),
    ],
  }));
  const ports = await Promise.all(plans.map(async () => ({ api: await freePort(), gossip: await freePort() })));
  const nodes: (RealNode | undefined)[] = plans.map(() => undefined);
  const spawnNode = (i: number): RealNode => {
    const plan = plans[i]!;
    const { api, gossip } = ports[i]!;
    const dir = join(work, plan.name);
    mkdirSync(dir, { recursive: true });
    const config = join(dir, "satellite.yaml");
    writeFileSync(config, `defaultChecks: false\nchecks:\n${plan.checks.map((c) => `  - ${c}`).join("\n")}\n`);
    const args = [BINARY, "agent", "--name", plan.name, "--tags", plan.tags, "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(dir, "state"), "--config", config, "--profile", "local"];
    if (i > 0) args.push("--initial-cluster", `127.0.0.1:${ports[0]!.gossip}`);
    const process = Bun.spawn(args, { stdout: "ignore", stderr: "ignore", env: { PATH: Bun.env.PATH ?? "/usr/bin:/bin" } });
    return { name: plan.name, apiPort: api, gossipPort: gossip, process };
  };
  const startNode = async (i: number) => {
    const node = spawnNode(i);
    nodes[i] = node;
    await waitForAgentStarted(`http://127.0.0.1:${node.apiPort}`, 10_000, `${node.name} to start`);
  };
  const stopNode = async (i: number) => {
    const node = nodes[i];
    if (!node) return;
    node.process.kill("SIGTERM");
    const exited = await Promise.race([node.process.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
    if (!exited) node.process.kill("SIGKILL");
    await node.process.exited;
    nodes[i] = undefined;
  };
  const cluster: UiCluster = {
    base: `http://127.0.0.1:${ports[0]!.api}`,
    get nodes() {
      return nodes.filter((n): n is RealNode => n !== undefined);
    },
    flip,
    stopNode,
    startNode,
    async stop() {
      await Promise.all(nodes.map((_, i) => stopNode(i)));
      steady.down();
      flip.down();
    },
  };
  try {
    for (let i = 0; i < size; i++) await startNode(i);
    await waitFor(async () => {
      const body = (await (await fetch(`${cluster.base}/status`)).json()) as { nodes?: { name: string; probes?: { checker: string; status: string }[] }[] };
      const flipProbe = body.nodes?.find((n) => n.name === "ui-2")?.probes?.find((p) => p.checker === "flip");
      return body.nodes?.length === size && flipProbe?.status === "running";
    }, 20_000, `${size} nodes in ${plans[0]!.name}'s /status with ui-2's flip probe running`);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
