import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { createMetrics } from "../../src/metrics/satellite-metrics.ts";
import { metricsRoute } from "../../src/metrics/route.ts";

const prometheusAvailable = Bun.which("prometheus") !== null;
if (!prometheusAvailable) console.warn("SKIP real Prometheus scrape: prometheus is not installed (scripts/install-test-deps.sh)");

const dir = mkdtempSync(join(tmpdir(), "satellite-prometheus-"));
let prometheus: Subprocess | undefined;
let server: ReturnType<typeof Bun.serve> | undefined;

afterAll(async () => {
  server?.stop(true);
  if (prometheus && prometheus.exitCode === null) {
    prometheus.kill("SIGTERM");
    const exited = await Promise.race([prometheus.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
    if (!exited) prometheus.kill("SIGKILL");
    await prometheus.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

interface QueryResult {
  status: string;
  data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

test.skipIf(!prometheusAvailable)(
  "a real Prometheus scrapes GET /metrics and answers satellite_probe_status",
  async () => {
    const metrics = createMetrics({ version: "0.1.0", commit: "test" });
    metrics.recordProbe("n1", "docker", "running", 12);
    metrics.recordProbe("n1", "etcd", "failed", 40);
    const app = metricsRoute(metrics);
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => app.fetch(req) });

    const webPort = freePort();
    const config = join(dir, "prometheus.yml");
    writeFileSync(
      config,
      `global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: satellite
    static_configs:
      - targets: ["127.0.0.1:${server.port}"]
`,
    );
    prometheus = Bun.spawn(
      [
        "prometheus",
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
      ],
      { stdout: "ignore", stderr: Bun.file(join(dir, "prometheus.log")) },
    );

    const query = async (q: string): Promise<QueryResult | undefined> => {
      try {
        const url = `http://127.0.0.1:${webPort}/api/v1/query?query=${encodeURIComponent(q)}`;
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        return (await response.json()) as QueryResult;
      } catch {
        return undefined;
      }
    };

    // Bounded polling: Prometheus needs to start, scrape, and make the sample queryable.
    const deadline = performance.now() + 30_000;
    let result: QueryResult | undefined;
    for (;;) {
      if (prometheus.exitCode !== null) throw new Error(`prometheus exited with ${prometheus.exitCode}; see ${dir}/prometheus.log`);
      result = await query("satellite_probe_status");
      if ((result?.data?.result.length ?? 0) >= 2) break;
      if (performance.now() > deadline) throw new Error(`no satellite_probe_status in Prometheus within 30 s: ${JSON.stringify(result)}`);
      await Bun.sleep(200);
    }
    const byChecker = Object.fromEntries((result?.data?.result ?? []).map((r) => [r.metric.checker, r.value[1]]));
    expect(byChecker).toEqual({ docker: "1", etcd: "0" });
    const up = await query('up{job="satellite"}');
    expect(up?.data?.result[0]?.value[1]).toBe("1");
    const histogram = await query("satellite_probe_duration_seconds_count");
    expect(histogram?.data?.result.length).toBe(2);
  },
  60_000,
);
