/**
 * Runs inside the bench's namespace (the agents' APIs listen on its loopback): asks each agent
 * for its member list and prints one JSON object { agentName: [alive member names] | "error: ..." }.
 * Usage: bun members-probe.ts serf|satellite <serf-binary> name=rpcPort ...
 */
export {};

const [impl, serfBinary, ...targets] = process.argv.slice(2);
if ((impl !== "serf" && impl !== "satellite") || !serfBinary) {
  console.error("usage: members-probe.ts serf|satellite <serf-binary> name=rpcPort ...");
  process.exit(2);
}

async function aliveOf(port: number): Promise<string[] | string> {
  try {
    if (impl === "satellite") {
      const res = await fetch(`http://127.0.0.1:${port}/members`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) return `error: HTTP ${res.status}`;
      const body = (await res.json()) as { members?: { name: string; status: string }[] };
      return (body.members ?? []).filter((m) => m.status === "alive").map((m) => m.name);
    }
    const child = Bun.spawn([serfBinary as string, "members", `-rpc-addr=127.0.0.1:${port}`, "-status=alive", "-format=json"], { stdout: "pipe", stderr: "pipe", timeout: 5_000 });
    const text = await new Response(child.stdout).text();
    if ((await child.exited) !== 0) return `error: serf members exit ${child.exitCode}: ${(await new Response(child.stderr).text()).trim()}`;
    return ((JSON.parse(text) as { members: { name: string }[] }).members ?? []).map((m) => m.name);
  } catch (error) {
    return `error: ${String(error)}`;
  }
}

const result: Record<string, string[] | string> = {};
const queue = [...targets];
// A few at a time: a round over 100 serf agents must not starve the agents of CPU.
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
      const [name, port] = t.split("=");
      result[name as string] = await aliveOf(Number(port));
    }
  }),
);
console.log(JSON.stringify(result));
