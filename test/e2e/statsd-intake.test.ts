import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import StatsD from "hot-shots";
import { freePort, waitFor, waitForAgentStarted } from "../support/processes.ts";

/**
 * The compiled agent with --statsd-addr and --graphite-addr, fed by hot-shots and nc: what
 * applications push shows on /metrics and as history series, one flush interval later.
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const HAS_NC = Bun.which("nc") !== null;
const work = mkdtempSync(join(tmpdir(), "satellite-e2e-statsd-"));
let agent: ReturnType<typeof Bun.spawn> | undefined;
afterAll(() => {
  agent?.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

async function nc(input: string, ...args: string[]): Promise<void> {
  await Bun.spawn(["nc", ...args], { stdin: new TextEncoder().encode(input), stdout: "ignore", stderr: "ignore", timeout: 10_000 }).exited;
}

describe.skipIf(!existsSync(BINARY) || !HAS_NC)("statsd and graphite into a running agent", () => {
  test("hot-shots and nc lines reach /metrics and /history/series", async () => {
    const [apiPort, gossipPort, statsdPort, graphitePort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const argv = [BINARY, "agent", "--name", "s1", "--rpc-addr", `127.0.0.1:${apiPort}`, "--gossip-addr", `127.0.0.1:${gossipPort}`, "--state-dir", join(work, "s1")];
    argv.push("--statsd-addr", `127.0.0.1:${statsdPort}`, "--graphite-addr", `127.0.0.1:${graphitePort}`, "--statsd-flush-interval", "1s");
    agent = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    const api = `http://127.0.0.1:${apiPort}`;
    await waitForAgentStarted(`${api}`, 10_000, "the agent to start");

    // One datagram for every line (about 2 KB), so no flush can fall between the timings.
    const client = new StatsD({ host: "127.0.0.1", port: statsdPort, maxBufferSize: 8192, bufferFlushInterval: 60_000, errorHandler: () => {} });
    for (let ms = 1; ms <= 100; ms++) client.timing("web.latency", ms);
    client.increment("web.requests", 7);
    client.gauge("web.sessions", 3);
    await new Promise<void>((resolve) => client.close(() => resolve()));
    await nc(`racks.r1.power 412.5 ${Math.floor(Date.now() / 1000)}\n`, "-N", "127.0.0.1", String(graphitePort));

    const metrics = async () => await (await fetch(`${api}/metrics`)).text();
    await waitFor(async () => (await metrics()).includes('satellite_statsd_value{metric="web.latency",stat="p90"} 90'), 10_000, "the timer's p90 on /metrics");
    const text = await metrics();
    expect(text).toContain('satellite_statsd_value{metric="web.latency",stat="p99"} 99');
    expect(text).toContain('satellite_statsd_value{metric="web.sessions",stat="value"} 3');
    expect(text).toContain('satellite_statsd_value{metric="racks.r1.power",stat="value"} 412.5');
    expect(text).toMatch(/satellite_statsd_lines_total\{protocol="statsd"\} 102/);

    // History is written after each flush: the series answer with this node's buckets.
    await waitFor(async () => {
      const body = (await (await fetch(`${api}/history/series?metric=statsd.web.requests.count`)).json()) as { points?: { max: number }[] };
      return body.points?.some((p) => p.max === 7) ?? false;
    }, 10_000, "statsd.web.requests.count in history");
    const power = (await (await fetch(`${api}/history/series?metric=statsd.racks.r1.power.value&node=s1`)).json()) as { points: { max: number }[] };
    expect(power.points.map((p) => p.max)).toContain(412.5);
  }, 60_000);
});
