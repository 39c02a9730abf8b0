import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentStarted, freePort, waitFor } from "../support/processes.ts";

/**
 * Remote exec between three compiled agents on loopback sharing a gossip key: a command runs
 * on the tagged nodes only, a command outside a node's allowlist is refused and recorded in
 * that node's timeline with the requester, and a node with exec disabled refuses.
 * SATELLITE_E2E_BINARY points at another build than dist/satellite.
 */
const BINARY = process.env.SATELLITE_E2E_BINARY ?? join(import.meta.dir, "../../dist/satellite");
const KEY = Buffer.alloc(32, 7).toString("base64");
const work = mkdtempSync(join(tmpdir(), "satellite-e2e-exec-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const p of procs) p.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const taken = new Set<number>();
/** A free port no other agent of this file was given: the OS may hand a just-closed port out again. */
async function port(): Promise<number> {
  for (;;) {
    const candidate = await freePort();
    if (taken.has(candidate)) continue;
    taken.add(candidate);
    return candidate;
  }
}

interface Agent {
  name: string;
  api: string;
  apiPort: number;
}

interface NodeResult {
  node: string;
  outcome: string;
  exitCode?: number | null;
  stdout: string;
  reason?: string;
}

/** `secret`: the gossip key (`--encrypt`) or an API token (`--api-token-file`), the only secret the agent has. */
async function startAgent(name: string, tags: string, exec: string, gossipPort: number, seed: number | undefined, secret: { key: string } | { token: string } = { key: KEY }): Promise<Agent> {
  const apiPort = await port();
  const config = join(work, `${name}.yaml`);
  writeFileSync(config, `defaultChecks: false\n${exec}\n`);
  const tokenFile = join(work, `${name}.token`);
  if ("token" in secret) writeFileSync(tokenFile, `${secret.token}\n`, { mode: 0o600 });
  const secretArgs = "key" in secret ? ["--encrypt", secret.key] : ["--api-token-file", tokenFile];
  const argv = [BINARY, "agent", "--name", name, "--tags", tags, ...secretArgs, "--rpc-addr", `127.0.0.1:${apiPort}`, "--gossip-addr", `127.0.0.1:${gossipPort}`, "--state-dir", join(work, name), "--config", config];
  if (seed !== undefined) argv.push("--initial-cluster", `127.0.0.1:${seed}`);
  const log = join(work, `${name}.log`);
  const proc = Bun.spawn(argv, { stdout: "ignore", stderr: Bun.file(log), env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  procs.push(proc);
  const api = `http://127.0.0.1:${apiPort}`;
  const logTail = () => (existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : "(no log)");
  try {
    await waitFor(async () => proc.exitCode !== null || (await agentStarted(api)), 10_000, `${name} to start`);
  } catch (error) {
    throw new Error(`${(error as Error).message}; its log ends:\n${logTail()}`);
  }
  if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode} before it started; its log ends:\n${logTail()}`);
  return { name, api, apiPort };
}

function exec(agent: Agent, args: string[], env: Record<string, string> = {}): { code: number | null; results: NodeResult[]; err: string } {
  const run = Bun.spawnSync([BINARY, "exec", "--rpc-port", String(agent.apiPort), "-o", "json", ...args], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdout: "pipe", stderr: "pipe", timeout: 30_000 });
  const out = run.stdout.toString();
  return { code: run.exitCode, results: out.trim() === "" ? [] : (JSON.parse(out) as { results: NodeResult[] }).results, err: run.stderr.toString() };
}

describe.skipIf(!existsSync(BINARY))("remote exec between agents on loopback", () => {
  test("runs on the tagged nodes only; refuses what a node does not allow and records it; a disabled node refuses", async () => {
    const [g1, g2, g3] = [await port(), await port(), await port()];
    const allowEcho = 'exec: { enabled: true, allow: ["echo *"], timeout: 5s }';
    const n1 = await startAgent("n1", "role=master,app=api", "exec: { enabled: false }", g1, undefined);
    await startAgent("n2", "role=node,app=web", 'exec: { enabled: true, allow: ["echo *", "sleep *"], timeout: 5s }', g2, g1);
    const n3 = await startAgent("n3", "role=node,app=webdb", allowEcho, g3, g1);
    const alive = async () => ((await (await fetch(`${n1.api}/members`)).json()) as { members: { status: string }[] }).members.filter((m) => m.status === "alive").length;
    await waitFor(async () => (await alive()) === 3, 20_000, "three alive members");

    // Tag values match exactly: app=web is n2, not n3 (webdb).
    const tagged = exec(n1, ["--tag", "app=web", "--", "echo", "hello", "from $HOSTNAME;", "|", "id"]);
    expect(tagged.err).toBe("");
    expect(tagged.code).toBe(0);
    expect(tagged.results).toEqual([expect.objectContaining({ node: "n2", outcome: "ran", exitCode: 0, stdout: "hello from $HOSTNAME; | id\n" })]);

    // Every node: the disabled one refuses, the others run it.
    const everyone = exec(n1, ["--", "echo", "all"]);
    expect(everyone.code).toBe(1);
    expect(everyone.results.map((r) => [r.node, r.outcome, r.reason ?? r.stdout])).toEqual([
      ["n1", "refused", "exec is disabled on this node (exec.enabled is false)"],
      ["n2", "ran", "all\n"],
      ["n3", "ran", "all\n"],
    ]);

    // Not in n3's allowlist: refused, nothing runs, and n3's timeline says who asked.
    const marker = join(work, "must-not-exist");
    const refused = exec(n1, ["--node", "n3", "--", "touch", marker]);
    expect(refused.results).toEqual([expect.objectContaining({ node: "n3", outcome: "refused", reason: "not in this node's allowlist (exec.allow)" })]);
    expect(existsSync(marker)).toBe(false);
    const timeline = (await (await fetch(`${n3.api}/history?type=ExecRan`)).json()) as { events: { node: string; probe: string; oldState: string; newState: string; error?: string }[] };
    expect(timeline.events.map((e) => [e.probe, e.newState, e.error])).toEqual([
      [`touch ${marker}`, "refused", "not in this node's allowlist (exec.allow)"],
      ["echo all", "ran: exit 0", undefined],
    ]);
    expect(timeline.events[0]?.oldState).toMatch(/^requested by n1 api 127\.0\.0\.1 loopback \(id [0-9a-f]{32}\)$/);
    // The timeout kills the command: the answer says so and no process is left.
    const sleeping = exec(n1, ["--node", "n2", "--timeout", "1s", "--", "sleep", "31.25"]);
    expect(sleeping.results).toEqual([expect.objectContaining({ node: "n2", outcome: "ran", exitCode: null, timedOut: true })]);
    expect(Bun.spawnSync(["pgrep", "-f", "^sleep 31.25$"]).exitCode).toBe(1);

    // n1 kept its own refusal.
    const n1Timeline = (await (await fetch(`${n1.api}/history?type=ExecRan`)).json()) as { events: { newState: string }[] };
    expect(n1Timeline.events.map((e) => e.newState)).toEqual(["refused"]);
  }, 90_000);

  test("without a gossip key the API token signs: nodes with the same token run it, a node with another token refuses", async () => {
    const [g4, g5, g6] = [await port(), await port(), await port()];
    const allowEcho = 'exec: { enabled: true, allow: ["echo *"] }';
    const token = "cluster-token-0123456789abcdef";
    const n4 = await startAgent("n4", "role=master", allowEcho, g4, undefined, { token });
    await startAgent("n5", "role=node", allowEcho, g5, g4, { token });
    await startAgent("n6", "role=node", allowEcho, g6, g4, { token: "another-token-0123456789abcdef" });
    const alive = async () => ((await (await fetch(`${n4.api}/members`)).json()) as { members: { status: string }[] }).members.filter((m) => m.status === "alive").length;
    await waitFor(async () => (await alive()) === 3, 20_000, "three alive members");

    // The agent has a token: the CLI must present it.
    expect(exec(n4, ["--", "echo", "x"]).err).toContain("needs the API token");
    const result = exec(n4, ["--", "echo", "signed"], { SATELLITE_API_TOKEN: token });
    expect(result.results.map((r) => [r.node, r.outcome, r.stdout])).toEqual([
      ["n4", "ran", "signed\n"],
      ["n5", "ran", "signed\n"],
      ["n6", "refused", ""],
    ]);
    expect(result.results[2]?.reason).toMatch(/^request refused \(bad-signature\): signed with api-token, none of which matches this node's api-token \(unsigned answer\)$/);
    // The caller presented the token: the requester says so.
    const n4Timeline = (await (await fetch(`${n4.api}/history?type=ExecRan`)).json()) as { events: { oldState: string }[] };
    expect(n4Timeline.events[0]?.oldState).toMatch(/^requested by n4 api 127\.0\.0\.1 token \(id /);
  }, 90_000);
});
