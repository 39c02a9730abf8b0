import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort, waitFor, waitForAgentStarted } from "../support/processes.ts";
import { CHROMIUM, launchBrowser, type TestBrowser } from "./browser.ts";
import { BINARY } from "./ui-cluster.ts";

// The callbacks given to page.$$eval run in the page: its DOM types are not this module's.
type Element = { dataset: Record<string, string>; title: string; innerText: string };

/**
 * One real agent from dist/satellite taking statsd on loopback: its node view lists the intake
 * series, the filter box narrows them, and a maintenance window shows as badges in the cluster
 * and node views. Headless Chromium, as dashboard.test.ts.
 */
const work = mkdtempSync(join(tmpdir(), "satellite-ui-intake-"));
const ready = existsSync(BINARY) && existsSync(CHROMIUM);
let browser: TestBrowser;
let agent: Subprocess;
let base = "";
let statsdPort = 0;

describe.skipIf(!ready)("dashboard: intake series and maintenance badges, in Chromium", () => {
  beforeAll(async () => {
    const [api, gossip] = [await freePort(), await freePort()];
    statsdPort = await freePort();
    base = `http://127.0.0.1:${api}`;
    agent = Bun.spawn(
      [BINARY, "agent", "--name", "solo", "--tags", "role:master", "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(work, "state"), "--profile", "local", "--statsd-addr", `127.0.0.1:${statsdPort}`, "--statsd-flush-interval", "1s"],
      { stdout: "ignore", stderr: "ignore", env: { PATH: Bun.env.PATH ?? "/usr/bin:/bin" } },
    );
    browser = await launchBrowser();
    await waitForAgentStarted(`${base}`, 10_000, "the agent to start");
  }, 30_000);
  afterAll(async () => {
    agent?.kill("SIGTERM");
    await Promise.all([browser?.close(), agent?.exited]);
    rmSync(work, { recursive: true, force: true });
  });

  test("a statsd counter and timer appear as plots in the node view; the filter narrows them", async () => {
    const socket = createSocket("udp4");
    const names = async () => ((await (await fetch(`${base}/history/metrics?node=solo&prefix=statsd.`)).json()) as { metrics: string[] }).metrics;
    await waitFor(async () => {
      for (const line of ["shop.orders:1|c", "shop.latency:42|ms"]) socket.send(line, statsdPort, "127.0.0.1");
      return (await names()).includes("statsd.shop.latency.p99") && (await names()).includes("statsd.shop.orders.count");
    }, 15_000, "the intake series in history");
    socket.close();
    const { page, problems } = await browser.page();
    await page.goto(`${base}/ui/#/node/solo`);
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#intake-plots figure[data-series="statsd.shop.orders.count"] .plot').length > 0, { timeout: 10_000 });
    await page.type("#intake-filter", "latency p99");
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("#intake-plots figure").length === 1, { timeout: 5000 });
    expect(await page.$$eval("#intake-plots figure", (els) => els.map((e) => (e as unknown as Element).dataset.series))).toEqual(["statsd.shop.latency.p99"]);
    await page.close();
    expect(problems).toEqual([]);
  }, 30_000);

  test("a maintenance window shows as a badge on the node and in the cluster view's list", async () => {
    const started = await fetch(`${base}/maintenance`, { method: "POST", body: JSON.stringify({ node: "solo", for: "1h", reason: "kernel upgrade" }) });
    expect(started.status).toBe(200);
    const { page, problems } = await browser.page();
    await page.goto(`${base}/ui/#/cluster`);
    await page.waitForSelector('#nodes tr[data-node="solo"] .pill-maintenance', { timeout: 10_000 });
    expect(await page.$eval('#nodes tr[data-node="solo"] .pill-maintenance', (e) => (e as unknown as Element).title)).toContain("kernel upgrade");
    expect(await page.$eval("#maintenance-windows", (e) => (e as unknown as Element).innerText)).toContain("node solo until");
    await page.goto(`${base}/ui/#/node/solo`);
    await page.waitForSelector(".node-header .pill-maintenance", { timeout: 10_000 });
    await page.close();
    expect(problems).toEqual([]);
  }, 30_000);
});
