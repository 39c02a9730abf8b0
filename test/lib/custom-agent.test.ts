import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { mergeCheckerKinds, startCustomAgent, type AgentEvent, type CheckerKind, type HistoryBackend, type RunningAgent } from "../../src/lib/index.ts";
import { createAgentPlatform } from "../../src/cli/process-platform.ts";
import { waitFor } from "../support/processes.ts";

const flipKind = (state: { failing: boolean }): CheckerKind => ({
  kind: "lib-flip",
  description: "fails while the test says so",
  options: () => z.object({}).strict(),
  create: () => async () => [state.failing ? { status: "failed", error: "flipped" } : { status: "running" }],
});

let agent: RunningAgent | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function config(extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lib-agent-"));
  dirs.push(dir);
  return { name: "lib-1", tags: { role: "master" }, stateDir: dir, rpcAddr: ["127.0.0.1:0"], gossipAddr: "127.0.0.1:0", defaultChecks: false, ...extra };
}

describe("startCustomAgent", () => {
  test("a kind named like a built-in one is refused", () => {
    expect(() => mergeCheckerKinds([{ ...flipKind({ failing: false }), kind: "disk-space" }])).toThrow('checker kind "disk-space" is already registered');
  });

  test("a check of an unknown kind is a config error naming it", async () => {
    await expect(startCustomAgent({ config: config({ checks: [{ name: "x", kind: "no-such-kind" }] }), platform: createAgentPlatform({ level: "error", format: "logfmt" }) })).rejects.toThrow("no-such-kind");
  });

  test("its kind runs, its notifier gets the events, a failing backend is isolated and shown on /readyz", async () => {
    const state = { failing: false };
    const seen: AgentEvent[] = [];
    const writes: string[] = [];
    const backends: HistoryBackend[] = [
      { name: "recording", open: () => ({ appendSamples: async (s) => void writes.push(...s.map((x) => x.checker)), appendEvents: async () => {}, appendMetrics: async () => {}, close: async () => {} }) },
      { name: "broken", open: () => ({ appendSamples: async () => Promise.reject(new Error("disk on fire")), appendEvents: async () => {}, appendMetrics: async () => {}, close: async () => {} }) },
    ];
    agent = await startCustomAgent({
      config: config({ checks: [{ name: "flip", kind: "lib-flip", interval: "1s" }] }),
      checkerKinds: [flipKind(state)],
      historyBackends: backends,
      notifiers: [{ name: "collect", accept: (e) => e.kind === "probe", handle: async (e) => void seen.push(e) }],
      platform: createAgentPlatform({ level: "error", format: "logfmt" }),
    });
    const api = `http://127.0.0.1:${agent.apiAddresses[0]?.port}`;
    state.failing = true;
    await waitFor(() => seen.some((e) => e.type === "ProbeFailed"), 10_000, "ProbeFailed at the notifier");
    expect(seen.every((e) => e.kind === "probe")).toBe(true);
    await waitFor(() => writes.includes("flip"), 10_000, "a sample at the recording backend");
    const status = (await (await fetch(`${api}/status`)).json()) as { nodes?: { probes?: { checker: string; status: string }[] }[] };
    expect(status.nodes?.[0]?.probes?.find((p) => p.checker === "flip")?.status).toBe("failed");
    const ready = await fetch(`${api}/readyz?verbose`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toContain("history backend broken: disk on fire");
  });
});
