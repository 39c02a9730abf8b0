import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor, waitForAgentStarted } from "../support/processes.ts";
import { freePort, serfAvailable, startSerf, type SerfAgent } from "../wire/serf-agent.ts";

/**
 * serf queries across implementations, in one encrypted cluster of 2 real serf agents and 2
 * Satellite agents: serf's _serf_ping (serf reachability) is acked by Satellite, `satellite
 * query` collects the serf agents' query-handler answers, and `serf keys` and `satellite keys`
 * each rotate every member's keyring (Satellite rewrites its --keyring-file) end to end;
 * `serf query` gets the answers of Satellite's query handlers beside serf's.
 */
const BINARY = process.env.SATELLITE_E2E_BINARY ?? join(import.meta.dir, "../../dist/satellite");
const K1 = "T9jncgl9mbLus+baTTa7q7nPSUN1ulRTPzZDQpiaqsE=";
const K2 = "5K9OtfP7efFrIRbH9wqz7H0k5/3Qsdn0XFF4VgEbD/o=";
const K3 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const work = mkdtempSync(join(tmpdir(), "satellite-queries-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(work, { recursive: true, force: true });
});

interface Sat {
  name: string;
  api: string;
  keyringFile: string;
  gossipPort: number;
  proc: ReturnType<typeof Bun.spawn>;
}

/** A fresh agent with K1, or (`again`) a restart on the same gossip port with the keyring file as the last run left it. */
async function startSatellite(name: string, join: string[], again?: Sat): Promise<Sat> {
  const apiPort = await freePort();
  const gossipPort = again?.gossipPort ?? (await freePort());
  const keyringFile = join_(work, `${name}-keyring.json`);
  if (!again) writeFileSync(keyringFile, JSON.stringify([K1]), { mode: 0o600 });
  const proc = Bun.spawn(
    [BINARY, "agent", "--name", name, "--tags", "role:master", "--rpc-addr", `127.0.0.1:${apiPort}`, "--gossip-addr", `127.0.0.1:${gossipPort}`, "--state-dir", mkdtempSync(join_(work, `${name}-`)), "--keyring-file", keyringFile, "--event-handler", `query:who=echo "satellite agent $SATELLITE_SELF_NAME answers $(cat)"`, "--initial-cluster", join.join(",")],
    { stdout: "ignore", stderr: "ignore" },
  );
  cleanups.push(() => void proc.kill("SIGKILL"));
  const api = `http://127.0.0.1:${apiPort}`;
  await waitForAgentStarted(`${api}`, 10_000, `${name} to start`);
  return { name, api, keyringFile, gossipPort, proc };
}
const join_ = join;

function run(argv: string[]): { code: number; out: string; err: string } {
  const p = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? -1, out: p.stdout.toString(), err: p.stderr.toString() };
}

const satellite = (sat: Sat, ...args: string[]) => run([BINARY, ...args, "--addr", sat.api.replace("http://", "")]);
/** Go's flag parsing stops at the first argument: the RPC address goes right after the subcommand. */
const serfCli = (serf: SerfAgent, command: string, ...args: string[]) => run(["serf", command, `-rpc-addr=${serf.rpcAddr}`, ...args]);

/** `serf keys -list` as key -> "[n/total]". */
function serfKeyList(serf: SerfAgent): Record<string, string> {
  const r = serfCli(serf, "keys", "-list");
  expect(r.code).toBe(0);
  return Object.fromEntries([...r.out.matchAll(/^(\S+=)\s+\|?\s*\[(\d+\/\d+)\]/gm)].map((m) => [m[1] as string, m[2] as string]));
}

async function aliveEverywhere(serf: SerfAgent, sats: Sat[], names: string[]): Promise<boolean> {
  const serfView = await serf.members();
  if (!names.every((n) => serfView.find((m) => m.name === n)?.status === "alive")) return false;
  for (const s of sats) {
    const members = ((await (await fetch(`${s.api}/members`)).json()) as { members: { name: string; status: string }[] }).members;
    if (!names.every((n) => members.find((m) => m.name === n)?.status === "alive")) return false;
  }
  return true;
}

describe.skipIf(!serfAvailable() || !existsSync(BINARY))("serf queries and key rotation with real serf agents", () => {
  test("serf reachability, satellite query, serf keys and satellite keys across 2 serf + 2 Satellite agents", async () => {
    const handler = join(work, "who.sh");
    writeFileSync(handler, '#!/bin/sh\necho "serf agent $SERF_SELF_NAME answers"\n');
    chmodSync(handler, 0o755);
    const serfArgs = { keyringKeys: [K1], extraArgs: [`-event-handler=query:who=${handler}`] };
    const s1 = await startSerf({ name: "serf-1", ...serfArgs });
    cleanups.push(() => s1.stop());
    const s2 = await startSerf({ name: "serf-2", ...serfArgs });
    cleanups.push(() => s2.stop());
    expect(serfCli(s2, "join", `127.0.0.1:${s1.bind.port}`).code).toBe(0);
    const sat1 = await startSatellite("sat-1", [`127.0.0.1:${s1.bind.port}`]);
    const sat2 = await startSatellite("sat-2", [`127.0.0.1:${s2.bind.port}`]);
    const all = ["serf-1", "serf-2", "sat-1", "sat-2"];
    await waitFor(() => aliveEverywhere(s1, [sat1, sat2], all), 20_000, "all four members alive everywhere");

    // serf's _serf_ping: every member acks, Satellite included.
    const reach = serfCli(s1, "reachability");
    expect(reach.out).toContain("Successfully contacted all live nodes");

    // serf query: Satellite's query handlers answer beside serf's.
    const fromSerf = serfCli(s2, "query", "-format=json", "-timeout=3s", "who", "hello");
    expect(fromSerf.code).toBe(0);
    const serfView = JSON.parse(fromSerf.out) as { Acks: string[]; Responses: Record<string, string> };
    expect(serfView.Acks.sort()).toEqual([...all].sort());
    expect(Object.fromEntries(Object.entries(serfView.Responses).map(([k, v]) => [k, v.trim()]))).toEqual({
      "serf-1": "serf agent serf-1 answers",
      "serf-2": "serf agent serf-2 answers",
      "sat-1": "satellite agent sat-1 answers hello",
      "sat-2": "satellite agent sat-2 answers hello",
    });

    // satellite query: the serf agents' query handlers answer; acks from all four.
    const q = satellite(sat1, "query", "who", "-o", "json", "--timeout", "3s");
    expect(q.code).toBe(0);
    const answer = JSON.parse(q.out) as { acks: string[]; responses: { from: string; payload: string }[] };
    expect(answer.acks.sort()).toEqual([...all].sort());
    expect(answer.responses.map((r) => `${r.from}: ${r.payload.trim()}`).sort()).toEqual(["sat-1: satellite agent sat-1 answers", "sat-2: satellite agent sat-2 answers", "serf-1: serf agent serf-1 answers", "serf-2: serf agent serf-2 answers"]);
    const tagged = JSON.parse(satellite(sat2, "query", "who", "--node", "serf-2", "-o", "json", "--timeout", "2s").out) as typeof answer;
    expect(tagged.acks).toEqual(["serf-2"]);

    // serf keys rotates Satellite's keyrings too; Satellite rewrites its keyring file.
    expect(serfCli(s1, "keys", "-install", K2)).toMatchObject({ code: 0 });
    expect(serfKeyList(s2)).toEqual({ [K1]: "4/4", [K2]: "4/4" });
    expect(JSON.parse(readFileSync(sat1.keyringFile, "utf8"))).toEqual([K1, K2]);
    expect(serfCli(s2, "keys", "-use", K2).code).toBe(0);
    expect(serfCli(s1, "keys", "-remove", K1).code).toBe(0);
    expect(serfKeyList(s1)).toEqual({ [K2]: "4/4" });
    expect(JSON.parse(readFileSync(sat2.keyringFile, "utf8"))).toEqual([K2]);
    const removePrimary = serfCli(s1, "keys", "-remove", K2);
    expect(removePrimary.code).toBe(1);
    expect(removePrimary.out + removePrimary.err).toContain("sat-1");

    // satellite keys the same way, seen by serf.
    expect(satellite(sat2, "keys", "install", K3).code).toBe(0);
    const listed = JSON.parse(satellite(sat1, "keys", "list", "-o", "json").out) as { keys: Record<string, number>; numNodes: number };
    expect(listed).toMatchObject({ numNodes: 4, keys: { [K2]: 4, [K3]: 4 } });
    expect(satellite(sat1, "keys", "use", K3).code).toBe(0);
    expect(satellite(sat2, "keys", "remove", K2).code).toBe(0);
    expect(serfKeyList(s2)).toEqual({ [K3]: "4/4" });
    expect(JSON.parse(readFileSync(sat1.keyringFile, "utf8"))).toEqual([K3]);
    const failed = satellite(sat1, "keys", "remove", K3);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain("Removing the primary key is not allowed");

    // Gossip goes on under the new key only: serf's _serf_ping query, gossiped and acked under K3
    // now that K1 and K2 are gone, reaches every member; then a restarted agent comes back with the
    // key from its rewritten file.
    await waitFor(() => serfCli(s2, "reachability").out.includes("Successfully contacted all live nodes"), 20_000, "every member to ack serf's reachability query under K3 alone");
    expect(await aliveEverywhere(s2, [sat1, sat2], all)).toBe(true);
    sat1.proc.kill("SIGKILL");
    await sat1.proc.exited;
    const restarted = await startSatellite("sat-1", [`127.0.0.1:${s2.bind.port}`], sat1);
    await waitFor(() => aliveEverywhere(s1, [restarted, sat2], all), 20_000, "the restarted sat-1 to rejoin under K3");
    expect(serfKeyList(s1)).toEqual({ [K3]: "4/4" });
  }, 120_000);
});
