import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../support/processes.ts";

/** The compiled agent's /metrics: promtool accepts it, and a real Prometheus scrapes it (on --metrics-addr). */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const ready = existsSync(BINARY) && Bun.which("prometheus") !== null && Bun.which("promtool") !== null;
if (!ready) console.warn("SKIP agent scrape: needs dist/satellite, prometheus and promtool (npm test builds and installs them)");

const dir = mkdtempSync(join(tmpdir(), "satellite-scrape-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];
afterAll(async () => {
  for (const p of procs) {
    p.kill("SIGKILL");
    await p.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!ready)("Prometheus scrapes the agent and PromQL returns each probe's status", async () => {
  const [api, gossip, metricsPort, webPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const config = join(dir, "satellite.yaml");
  writeFileSync(config, `defaultChecks: false\nchecks:\n  - {name: disk, kind: disk-space, path: "${dir}", intervalMs: 1000}\n  - {name: closed-port, kind: tcp, address: "127.0.0.1:1", intervalMs: 1000}\n`);
  procs.push(Bun.spawn([BINARY, "agent", "--name", "scraped", "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--metrics-addr", `127.0.0.1:${metricsPort}`, "--state-dir", join(dir, "state"), "--config", config], { stdout: "ignore", stderr: "ignore" }));
  await waitFor(async () => (await (await fetch(`http://127.0.0.1:${api}/metrics`)).text()).includes('checker="closed-port"'), 10_000, "the agent's probe metrics");

  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const promtool = Bun.spawnSync(["promtool", "check", "metrics"], { stdin: new TextEncoder().encode(text), stdout: "pipe", stderr: "pipe" });
  expect(promtool.stdout.toString() + promtool.stderr.toString()).toBe("");
  expect(promtool.exitCode).toBe(0);

  writeFileSync(join(dir, "prometheus.yml"), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: satellite\n    static_configs:\n      - targets: ["127.0.0.1:${metricsPort}"]\n`);
  procs.push(Bun.spawn(["prometheus", `--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "tsdb")}`, `--web.listen-address=127.0.0.1:${webPort}`], { stdout: "ignore", stderr: "ignore" }));
  const query = async (q: string) =>
    (await (await fetch(`http://127.0.0.1:${webPort}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  await waitFor(async () => (await query("satellite_probe_status")).data.result.length === 2, 30_000, "Prometheus to have scraped satellite_probe_status");
  const byChecker = Object.fromEntries((await query("satellite_probe_status")).data.result.map((r) => [r.metric.checker, r.value[1]]));
  expect(byChecker).toEqual({ disk: "1", "closed-port": "0" });
  expect((await query("satellite_cluster_status")).data.result[0]?.value[1]).toBe("0");
  expect((await query('satellite_members{status="alive"}')).data.result[0]?.value[1]).toBe("1");
}, 60_000);
