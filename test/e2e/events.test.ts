import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SseMessage } from "../../src/cli/sse-parser.ts";
import { freePort, waitFor } from "../support/processes.ts";
import { readSse } from "../support/sse-client.ts";

/** The sequence number of an SSE id (`<epoch>.<seq>`). */
const seqOf = (id: string | undefined): number => Number((id ?? "").split(".").at(-1));

/** The compiled dist/satellite: /events through Bun.serve, `satellite watch`, event handlers with real scripts. */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const work = mkdtempSync(join(tmpdir(), "satellite-events-e2e-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const failFlag = join(work, "fail");
const config = join(work, "satellite.yaml");
writeFileSync(
  config,
  [
    "defaultChecks: false",
    "eventsClientsMax: 2",
    "checks:",
    `  - {name: flap, kind: script, command: ["/bin/sh", "-c", "test -e ${failFlag} && exit 2; exit 0"], intervalMs: 300, timeoutMs: 250}`,
    "",
  ].join("\n"),
);

function startAgent(port: number, extra: string[] = []) {
  return Bun.spawn([BINARY, "agent", "--rpc-addr", `127.0.0.1:${port}`, "--state-dir", join(work, "state"), "--name", "e2e-events", "--config", config, "--gossip-addr", "127.0.0.1:0", ...extra], {
    stdout: "ignore",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", SATELLITE_API_TOKEN: "a-secret-the-handler-must-not-see" },
  });
}

async function up(port: number): Promise<void> {
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/livez`).catch(() => undefined))?.status === 200, 10_000, "the agent's /livez");
}

async function nextOf(sse: ReturnType<typeof readSse>, type: string): Promise<SseMessage> {
  for (;;) {
    const [message] = await sse.next();
    if (message?.event === type) return message;
  }
}

describe.skipIf(!existsSync(BINARY))("live events from dist/satellite", () => {
  test("GET /events shows the probe event; a reconnect with Last-Event-ID gets what it missed; handlers get each event on stdin", async () => {
    rmSync(failFlag, { force: true });
    const port = await freePort();
    const handled = join(work, "handled.jsonl");
    const env = join(work, "handler-env.txt");
    const agent = startAgent(port, ["--tags", "role:master,zone-id:eu.1", "--event-handler", `probe,cluster=cat >> ${handled}`, "--event-handler", `ProbeFailed=env > ${env}`]);
    try {
      await up(port);
      const base = `http://127.0.0.1:${port}`;
      const first = readSse(await fetch(`${base}/events?types=ProbeFailed,ProbeSucceeded,cluster`));
      writeFileSync(failFlag, "");
      const failed = await nextOf(first, "ProbeFailed");
      expect(JSON.parse(failed.data)).toMatchObject({ type: "ProbeFailed", node: "e2e-events", probe: "flap", newState: "failed", kind: "probe", seq: seqOf(failed.id) });
      const degraded = await nextOf(first, "ClusterDegraded");
      await first.cancel();

      // While nobody listens the probe recovers; the reconnect gets that from the replay.
      rmSync(failFlag);
      await waitFor(() => existsSync(handled) && readFileSync(handled, "utf8").includes('"type":"ClusterHealthy"'), 10_000, "the recovery");
      const again = readSse(await fetch(`${base}/events?types=ProbeFailed,ProbeSucceeded,cluster`, { headers: { "last-event-id": degraded.id ?? "" } }));
      const replayed = await again.next(2);
      expect(replayed.map((m) => m.event)).toEqual(["ProbeSucceeded", "ClusterHealthy"]);
      expect(seqOf(replayed[0]?.id)).toBeGreaterThan(seqOf(degraded.id));
      await again.cancel();

      // eventsClientsMax is 2: a third client is refused; clients that went are freed on the server.
      for (let round = 0; round < 2; round++) {
        const clients = [await fetch(`${base}/events`), await fetch(`${base}/events`)];
        expect(clients.map((c) => c.status)).toEqual([200, 200]);
        const refused = await fetch(`${base}/events`);
        expect(refused.status).toBe(503);
        expect(((await refused.json()) as { error: string }).error).toBe("too many /events clients: 2 are connected");
        for (const client of clients) await client.body?.cancel();
        await waitFor(async () => {
          const probe = await fetch(`${base}/events`);
          await probe.body?.cancel();
          return probe.status === 200;
        }, 5000, "the freed slots");
      }

      // The handlers: every probe and cluster event as one JSON line each, serf's variables, no secrets.
      const lines = readFileSync(handled, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; seq: number });
      expect(lines.map((l) => l.type)).toContain("ProbeRun");
      expect(lines.map((l) => l.type)).toContain("ProbeFailed");
      expect(lines.map((l) => l.seq)).toEqual([...lines.map((l) => l.seq)].sort((a, b) => a - b));
      const handlerEnv = readFileSync(env, "utf8");
      for (const line of ["SATELLITE_EVENT=ProbeFailed", "SATELLITE_SELF_NAME=e2e-events", "SATELLITE_SELF_ROLE=master", "SATELLITE_TAG_ZONE_ID=eu.1"]) expect(handlerEnv).toContain(line);
      expect(handlerEnv).not.toContain("a-secret-the-handler-must-not-see");
    } finally {
      agent.kill("SIGTERM");
      expect(await agent.exited).toBe(0);
    }
  }, 30_000);

  test("satellite watch prints events, follows the agent through a restart, and ends with 0 on SIGINT; 2 without an agent", async () => {
    rmSync(failFlag, { force: true });
    const port = await freePort();
    let agent = startAgent(port);
    await up(port);
    const watch = Bun.spawn([BINARY, "watch", "--rpc-port", String(port), "--types", "probe,cluster"], { stdout: "pipe", stderr: "pipe" });
    const out: string[] = [];
    const err: string[] = [];
    const collect = async (stream: ReadableStream<Uint8Array>, into: string[]) => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) into.push(decoder.decode(chunk));
    };
    try {
      const reading = [collect(watch.stdout, out), collect(watch.stderr, err)];
      await waitFor(() => out.join("").includes(" ProbeRun node=e2e-events probe=flap kind=script status=running"), 10_000, "a ProbeRun line");
      writeFileSync(failFlag, "");
      await waitFor(() => out.join("").includes(' ProbeFailed node=e2e-events probe=flap state=failed error="'), 10_000, "the ProbeFailed line");
      rmSync(failFlag);

      agent.kill("SIGTERM");
      expect(await agent.exited).toBe(0);
      await waitFor(() => err.join("").includes("reconnecting in"), 10_000, "the watch noticing the restart");
      agent = startAgent(port);
      await up(port);
      await waitFor(() => err.join("").includes("connected to the agent again"), 20_000, "the watch reconnecting");
      const shown = out.join("").length;
      await waitFor(() => out.join("").slice(shown).includes(" ProbeRun node=e2e-events"), 10_000, "events from the restarted agent");
      expect(err.join("")).toContain("the agent restarted");

      watch.kill("SIGINT");
      expect(await watch.exited).toBe(0);
      await Promise.all(reading);
    } finally {
      watch.kill("SIGKILL");
      agent.kill("SIGTERM");
      await agent.exited;
    }
    const unreachable = Bun.spawnSync([BINARY, "watch", "--rpc-port", String(await freePort())], { stdout: "pipe", stderr: "pipe", timeout: 15_000 });
    expect(unreachable.exitCode).toBe(2);
    expect(unreachable.stderr.toString()).toContain("cannot reach the agent at http://127.0.0.1:");
  }, 60_000);
});
