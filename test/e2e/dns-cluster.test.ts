import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../support/processes.ts";

/**
 * Three compiled agents on loopback with --dns-addr, asked by Debian's `dig`: each node's
 * answers list the healthy members by role and tag, SRV records carry every agent's own API and
 * gossip ports, and a node that is killed disappears from the answers of the others.
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const HAS_DIG = Bun.which("dig") !== null;
const work = mkdtempSync(join(tmpdir(), "satellite-e2e-dns-"));
const procs = new Map<string, ReturnType<typeof Bun.spawn>>();
afterAll(() => {
  for (const p of procs.values()) p.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

interface Agent {
  name: string;
  apiPort: number;
  gossipPort: number;
  dnsPort: number;
}

async function startAgent(name: string, tags: string, join?: Agent): Promise<Agent> {
  const [apiPort, gossipPort, dnsPort] = [await freePort(), await freePort(), await freePort()];
  const config = join_(work, `${name}.yaml`);
  writeFileSync(config, 'defaultChecks: false\nchecks:\n  - { name: app, kind: script, command: ["/bin/true"], intervalMs: 1000 }\n');
  const argv = [BINARY, "agent", "--name", name, "--tags", tags, "--profile", "local", "--rpc-addr", `127.0.0.1:${apiPort}`, "--gossip-addr", `127.0.0.1:${gossipPort}`, "--dns-addr", `127.0.0.1:${dnsPort}`, "--state-dir", join_(work, name), "--config", config];
  if (join) argv.push("--initial-cluster", `127.0.0.1:${join.gossipPort}`);
  procs.set(name, Bun.spawn(argv, { stdout: "ignore", stderr: "ignore", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } }));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${apiPort}/livez`)).ok, 10_000, `${name} to answer /livez`);
  return { name, apiPort, gossipPort, dnsPort };
}
const join_ = join;

async function dig(at: Agent, ...args: string[]): Promise<string> {
  const child = Bun.spawn(["dig", "@127.0.0.1", "-p", String(at.dnsPort), "+time=2", "+tries=1", ...args], { stdout: "pipe", stderr: "pipe", timeout: 10_000 });
  const [out] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  return out;
}
const short = async (at: Agent, ...args: string[]) => (await dig(at, "+short", ...args)).trim().split("\n").filter(Boolean).sort();

describe.skipIf(!existsSync(BINARY) || !HAS_DIG)("dig against three agents on loopback", () => {
  test("healthy members by role and tag, SRV with each agent's ports, and a killed node disappears", async () => {
    const n1 = await startAgent("n1", "role=master");
    const n2 = await startAgent("n2", "role=node,redis=yes", n1);
    const n3 = await startAgent("n3", "role=node,redis=yes", n1);
    const gossipTargets = async (at: Agent, name: string) => await short(at, "SRV", name);
    const both = [`1 1 ${n2.gossipPort} n2.node.satellite.`, `1 1 ${n3.gossipPort} n3.node.satellite.`].sort();
    // Every node answers for the whole cluster once gossip has brought the others and their health.
    for (const at of [n1, n2, n3]) {
      await waitFor(async () => JSON.stringify(await gossipTargets(at, "_gossip._udp.node.role.satellite")) === JSON.stringify(both), 30_000, `${at.name} to list n2 and n3 as healthy nodes`);
    }
    expect(await short(n1, "n2.node.satellite")).toEqual(["127.0.0.1"]);
    expect(await short(n2, "yes.redis.tag.satellite")).toEqual(["127.0.0.1", "127.0.0.1"]);
    expect(await short(n3, "SRV", "_api._tcp.master.role.satellite")).toEqual([`1 1 ${n1.apiPort} n1.node.satellite.`]);
    expect(await short(n1, "+tcp", "SRV", "_api._tcp.satellite")).toEqual([n1, n2, n3].map((a) => `1 1 ${a.apiPort} ${a.name}.node.satellite.`).sort());
    const nx = await dig(n1, "nobody.node.satellite");
    expect(nx).toContain("status: NXDOMAIN");
    expect(nx).toContain("flags: qr aa rd;");

    // n3 is killed: the others declare it failed and stop listing it.
    procs.get("n3")?.kill("SIGKILL");
    for (const at of [n1, n2]) {
      await waitFor(async () => JSON.stringify(await gossipTargets(at, "_gossip._udp.node.role.satellite")) === JSON.stringify([`1 1 ${n2.gossipPort} n2.node.satellite.`]), 30_000, `${at.name} to drop n3`);
      expect(await dig(at, "n3.node.satellite")).toContain("status: NXDOMAIN");
      expect(await dig(at, "any.n3.node.satellite")).toContain("status: NXDOMAIN");
      expect(await short(at, "yes.redis.tag.satellite")).toEqual(["127.0.0.1"]);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${n1.apiPort}/metrics`)).text();
    expect(metrics).toMatch(/satellite_dns_answers_total\{transport="tcp",rcode="NOERROR"\} 1/);
  }, 120_000);
});
