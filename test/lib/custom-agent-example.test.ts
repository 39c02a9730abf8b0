import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../support/processes.ts";

/** examples/custom-agent built by scripts/build.ts into its own executable, run, and read over HTTP. */
const dir = mkdtempSync(join(tmpdir(), "custom-agent-"));
const binary = join(dir, "custom-agent");

beforeAll(() => {
  const built = spawnSync(process.execPath, ["scripts/build.ts", "--entry=examples/custom-agent/main.ts", `--outfile=${binary}`], { encoding: "utf8", timeout: 120_000 });
  if (built.status !== 0) throw new Error(`building the example failed: ${built.stderr}`);
}, 150_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface StatusBody {
  status: string;
  nodes?: { name: string; probes?: { checker: string; status: string; error?: string }[] }[];
}

describe("examples/custom-agent as its own executable", () => {
  test("its extra checker's probes are in /status and its extra backend writes history", async () => {
    const [rpcPort, gossipPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir, "stamp"), "ok");
    const configPath = join(dir, "config.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        name: "example-1",
        tags: { role: "master" },
        stateDir: join(dir, "state"),
        rpcAddr: [`127.0.0.1:${rpcPort}`],
        gossipAddr: `127.0.0.1:${gossipPort}`,
        defaultChecks: false,
        checks: [
          { name: "backup-fresh", kind: "file-freshness", interval: "1s", path: join(dir, "stamp"), maxAgeSeconds: 300 },
          { name: "backup-missing", kind: "file-freshness", interval: "1s", path: join(dir, "missing") },
        ],
      }),
    );
    const agent = Bun.spawn([binary, configPath], { stdout: "ignore", stderr: "pipe" });
    try {
      let body: StatusBody | undefined;
      const probes = () => body?.nodes?.find((n) => n.name === "example-1")?.probes ?? [];
      await waitFor(async () => {
        body = (await fetch(`http://127.0.0.1:${rpcPort}/status`).then((r) => r.json()).catch(() => undefined)) as StatusBody | undefined;
        return probes().length === 2;
      }, 20_000, "the example's two probes in /status");
      expect(probes().find((p) => p.checker === "backup-fresh")?.status).toBe("running");
      expect(probes().find((p) => p.checker === "backup-missing")).toMatchObject({ status: "failed", error: `cannot read ${join(dir, "missing")}: ENOENT` });
      expect(body?.status).toBe("degraded");

      const jsonl = join(dir, "state", "history.jsonl");
      await waitFor(() => existsSync(jsonl) && readFileSync(jsonl, "utf8").includes('"checker":"backup-fresh"'), 10_000, "samples in the jsonl backend");
      const rows = readFileSync(jsonl, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { kind: string; checker?: string; probe?: string; type?: string });
      expect(rows.some((r) => r.kind === "sample" && r.checker === "backup-fresh")).toBe(true);
      expect(rows.some((r) => r.kind === "event" && r.type === "ProbeFailed" && r.probe === "backup-missing")).toBe(true);
    } finally {
      agent.kill("SIGTERM");
      expect(await agent.exited).toBe(0);
    }
  }, 60_000);
});
