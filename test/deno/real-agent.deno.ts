/**
 * Under Deno only (scripts/test-deno.sh): two real agents built from the library with Deno's
 * platform gossip over UDP/TCP on loopback and each answers /status over Deno.serve with both
 * nodes and the probe of a library checker kind.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { expect, test } from "bun:test";
import { startCustomAgent, type CheckerKind, type RunningAgent } from "../../src/lib/index.ts";
import { createDenoAgentPlatform } from "../../src/lib/deno.ts";

const answerKind: CheckerKind = {
  kind: "deno-answer",
  description: "reports the answer it was configured with",
  options: () => z.object({ answer: z.string().max(64) }).strict(),
  create: (options) => async () => [{ status: options.answer === "yes" ? "running" : "failed", error: options.answer === "yes" ? undefined : `answer ${options.answer}` }],
};

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("two agents on Deno: gossip over loopback UDP/TCP, /status over Deno.serve shows both nodes and a library check", async () => {
  const dir = mkdtempSync(join(tmpdir(), "satellite-deno-"));
  const agents: RunningAgent[] = [];
  try {
    const start = (name: string, answer: string, peers: string[]) =>
      startCustomAgent({
        platform: createDenoAgentPlatform({ logLevel: "warn" }),
        checkerKinds: [answerKind],
        config: {
          name,
          tags: { role: name === "d1" ? "master" : "node" },
          stateDir: join(dir, name),
          rpcAddr: ["127.0.0.1:0"],
          gossipAddr: "127.0.0.1:0",
          initialCluster: peers,
          defaultChecks: false,
          checks: [{ name: "answer", kind: "deno-answer", interval: "1s", answer }],
        },
      });
    const first = await start("d1", "yes", []);
    agents.push(first);
    const second = await start("d2", "no", [`${first.gossipAddress.host}:${first.gossipAddress.port}`]);
    agents.push(second);
    const api = first.apiAddresses[0];
    const status = await until("both nodes, d2's failing probe and the degraded verdict in d1's /status", 20_000, async () => {
      const response = await fetch(`http://127.0.0.1:${api?.port}/status`);
      const body = (await response.json()) as { status: string; nodes?: { name: string; probes?: { checker: string; status: string; error?: string }[] }[] };
      const d2 = body.nodes?.find((n) => n.name === "d2");
      // The probe list and the verdict travel separately (probe deltas, the digest in the tags): wait for both.
      return body.nodes?.length === 2 && response.status === 503 && d2?.probes?.some((p) => p.checker === "answer" && p.error !== undefined) ? { code: response.status, body } : undefined;
    });
    expect(status.code).toBe(503);
    expect(status.body.status).toBe("degraded");
    const d2 = status.body.nodes?.find((n) => n.name === "d2");
    expect(d2?.probes?.find((p) => p.checker === "answer")).toMatchObject({ status: "failed", error: "answer no" });
    // Gossip went over UDP too (not only TCP's fallback): d1 received packets.
    const metrics = await (await fetch(`http://127.0.0.1:${api?.port}/metrics`)).text();
    expect(Number(/^satellite_gossip_packets_received_total (\d+)/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
  } finally {
    for (const agent of agents.reverse()) await agent.stop({ leave: false });
    rmSync(dir, { recursive: true, force: true });
  }
});
