import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInfluxd, influxdAvailable, type Influxd } from "../store/influxdb/influxd.ts";
import { freePort, waitFor } from "../support/processes.ts";

/**
 * The compiled agent with --influxdb-url, against a fresh influxd where no database exists yet:
 * it creates the database, as the original agent did, and writes the original `node` and
 * `probe` measurements and the measured numbers (`check_metric`).
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const ready = existsSync(BINARY) && influxdAvailable;
if (!ready) console.warn("SKIP agent -> InfluxDB: needs dist/satellite and influxd (npm test builds and installs them)");

const dir = mkdtempSync(join(tmpdir(), "satellite-influx-agent-"));
let influxd: Influxd | undefined;
let agent: ReturnType<typeof Bun.spawn> | undefined;
afterAll(async () => {
  agent?.kill("SIGKILL");
  await agent?.exited;
  await influxd?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!ready)("a fresh influxd: the database is created; probe, node and check_metric points arrive", async () => {
  influxd = createInfluxd();
  await influxd.start();
  const [api, gossip] = [await freePort(), await freePort()];
  const config = join(dir, "satellite.yaml");
  writeFileSync(config, `defaultChecks: false\nchecks:\n  - {name: closed-port, kind: tcp, address: "127.0.0.1:1", intervalMs: 1000}\n  - {name: host, kind: host-metrics, collectors: [memory], intervalMs: 1000}\n`);
  agent = Bun.spawn([BINARY, "agent", "--name", "influx-1", "--tags", "role:master,zone:eu-1", "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(dir, "state"), "--config", config, "--influxdb-url", influxd.url, "--influxdb-database", "satellite"], { stdout: "ignore", stderr: "ignore" });
  const select = async (q: string) => {
    const body = (await (await fetch(`${influxd!.url}/query?db=satellite&q=${encodeURIComponent(q)}`)).json()) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] };
    return body.results[0]?.series?.[0];
  };
  // The agent writes its status every 10 s; allow two rounds.
  await waitFor(async () => (await select('SELECT * FROM probe WHERE checker = \'closed-port\'')) !== undefined, 25_000, "probe points in InfluxDB");
  const probe = (await select("SELECT * FROM probe WHERE checker = 'closed-port' LIMIT 1"))!;
  const row = Object.fromEntries(probe.columns.map((c, i) => [c, probe.values[0]?.[i]]));
  expect(row).toMatchObject({ checker: "closed-port", node: "influx-1", node_name: "influx-1", status: "failed" });
  expect(String(row.error)).toContain("127.0.0.1:1");
  const node = (await select("SELECT * FROM node LIMIT 1"))!;
  const nodeRow = Object.fromEntries(node.columns.map((c, i) => [c, node.values[0]?.[i]]));
  expect(nodeRow).toMatchObject({ name: "influx-1", node_name: "influx-1", role: "master", zone: "eu-1", status: "degraded", member_status: "alive" });
  const metric = (await select("SELECT * FROM check_metric WHERE checker = 'host' AND metric = 'memory.usedPercent' LIMIT 1"))!;
  const metricRow = Object.fromEntries(metric.columns.map((c, i) => [c, metric.values[0]?.[i]]));
  expect(metricRow).toMatchObject({ node: "influx-1", checker: "host", metric: "memory.usedPercent" });
  expect(Number(metricRow.value)).toBeGreaterThan(0);
}, 60_000);
