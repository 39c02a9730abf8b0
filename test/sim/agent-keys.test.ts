import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentSim, type SimAgent } from "./agent-sim.ts";

const K1 = "T9jncgl9mbLus+baTTa7q7nPSUN1ulRTPzZDQpiaqsE=";
const K2 = "5K9OtfP7efFrIRbH9wqz7H0k5/3Qsdn0XFF4VgEbD/o=";
const dir = mkdtempSync(join(tmpdir(), "satellite-agent-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Agents started with --keyring-file (each its own file holding K1). */
class KeyedSim extends AgentSim {
  keyringFile(name: string): string {
    return join(dir, `${name}.json`);
  }
  protected override extraConfig(name: string): Record<string, unknown> {
    writeFileSync(this.keyringFile(name), JSON.stringify([K1]), { mode: 0o600 });
    return { keyringFile: this.keyringFile(name) };
  }
}

/** Agents started with --encrypt only: no file to keep a rotation in. */
class EncryptOnlySim extends AgentSim {
  protected override extraConfig(): Record<string, unknown> {
    return { encrypt: K1 };
  }
}

let sim: AgentSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

/** A request answered while the simulated clock moves (queries wait on gossip timers). */
async function call(s: AgentSim, agent: SimAgent, path: string, init: RequestInit = {}): Promise<Response> {
  let answer: Response | undefined;
  void agent.request(path, init).then((r) => (answer = r));
  if ((await s.advanceUntil(() => answer !== undefined, 30_000, 100)) < 0) throw new Error(`${path} did not answer within 30 s of simulated time`);
  return answer as Response;
}

describe("key rotation through complete agents", () => {
  test("POST /keys/install on one agent changes every agent's keyring and rewrites each keyring file (0600, serf's format)", async () => {
    const keyed = new KeyedSim(5);
    sim = keyed;
    const a = await keyed.start(0, "master");
    await sim.start(1, "node", [0]);
    await sim.start(2, "node", [0]);
    await sim.advanceUntil(() => false, 5000);
    const installed = await call(sim, a, "/keys/install", { method: "POST", body: JSON.stringify({ key: K2 }) });
    const body = (await installed.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ numNodes: 3, numResp: 3, numErr: 0 });
    expect(JSON.stringify(body)).not.toContain(K2);
    for (const name of ["node-0", "node-1", "node-2"]) {
      expect(JSON.parse(readFileSync(keyed.keyringFile(name), "utf8"))).toEqual([K1, K2]);
      expect(statSync(keyed.keyringFile(name)).mode & 0o777).toBe(0o600);
    }
    const listed = (await (await call(sim, a, "/keys")).json()) as { keys: Record<string, number> };
    expect(listed.keys).toEqual({ [K1]: 3, [K2]: 3 });
    for (const agent of sim.running()) {
      expect(agent.logLines.join("\n")).not.toContain(K2);
      expect(agent.events.filter((e) => e.type === "KeyringChanged")).toMatchObject([{ node: agent.name, op: "install", requester: "node-0", outcome: "changed", keys: 2 }]);
      expect(JSON.stringify(agent.events)).not.toContain(K2);
    }
    const removePrimary = (await (await call(sim, a, "/keys/remove", { method: "POST", body: JSON.stringify({ key: K1 }) })).json()) as { numErr: number };
    expect(removePrimary.numErr).toBe(3);
    const history = (await (await a.request("/history?type=KeyringChanged")).json()) as { events: Record<string, unknown>[] };
    expect(history.events.map((e) => e.newState)).toEqual(["remove: refused", "install: changed"]);
    expect(history.events[0]).toMatchObject({ probe: "gossip keyring", oldState: "requested by node-0", error: "Removing the primary key is not allowed" });
  });

  test("without --keyring-file a rotation is applied in memory and every node warns that a restart loses it", async () => {
    sim = new EncryptOnlySim(5);
    const a = await sim.start(0, "master");
    await sim.start(1, "node", [0]);
    await sim.advanceUntil(() => false, 5000);
    const installed = (await (await call(sim, a, "/keys/install", { method: "POST", body: JSON.stringify({ key: K2 }) })).json()) as Record<string, unknown>;
    expect(installed).toMatchObject({ numNodes: 2, numResp: 2, numErr: 0 });
    for (const agent of sim.running()) {
      expect(agent.logLines.join("\n")).toContain("changed in memory only");
      expect(agent.logLines.join("\n")).not.toContain(K2);
    }
  });
});
