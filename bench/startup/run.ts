/**
 * Startup bench: time from exec of dist/satellite to the first 200 from /livez, and the
 * agent's RSS after 10 s idle with its default checks. Median of --runs (default 5).
 * Usage: bun bench/startup/run.ts [--runs=5] [--idle-ms=10000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, report, rssMiB } from "../support/report.ts";
import { freePort } from "../../test/support/processes.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const runs = Number(args.runs ?? 5);
const idleMs = Number(args["idle-ms"] ?? 10_000);
const binary = join(import.meta.dir, "../../dist/satellite");

const startups: number[] = [];
const rss: number[] = [];
for (let i = 0; i < runs; i++) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "satellite-bench-"));
  const started = performance.now();
  const agent = Bun.spawn([binary, "agent", "--rpc-addr", `127.0.0.1:${port}`, "--state-dir", dir], { stdout: "ignore", stderr: "ignore" });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/livez`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (performance.now() - started > 20_000) throw new Error("agent did not answer /livez within 20 s");
      await Bun.sleep(2);
    }
    startups.push(performance.now() - started);
    await Bun.sleep(idleMs);
    rss.push(rssMiB(agent.pid));
  } finally {
    agent.kill("SIGTERM");
    await agent.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
report(
  "startup of dist/satellite",
  [{ runs, "exec->livez ms (median)": Math.round(median(startups)), "min ms": Math.round(Math.min(...startups)), "max ms": Math.round(Math.max(...startups)), "idle RSS MiB (median)": Number(median(rss).toFixed(1)) }],
  join(import.meta.dir, "out/startup.json"),
  { startupsMs: startups, rssMiB: rss, idleMs },
);
