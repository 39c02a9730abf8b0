/**
 * Dashboard bench: (1) time to the first full render of the cluster view of a simulated
 * 200-node cluster (stub /status, real bundle and routes) in headless Chromium, and the time
 * from a live event to the changed row; (2) the bundle's size, raw and gzipped; (3) a real
 * agent's CPU and RSS with 20 dashboards open against it, beside the same agent with none.
 * Usage: bun bench/ui/run.ts [--nodes=200] [--runs=7] [--dashboards=20] [--measure-ms=30000]
 */
import type { TCPSocketListener } from "bun";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleSize, bundleUi } from "../../scripts/bundle-ui.ts";
import { agentStarted, freePort, waitFor } from "../../test/support/processes.ts";
import { launchBrowser } from "../../test/ui/browser.ts";
import { median, percentile, report, rssMiB } from "../support/report.ts";
import { startStubCluster } from "./stub-cluster.ts";

// The callbacks given to page.evaluate / waitForFunction run in the page, not here: its DOM
// globals, declared for this module only (the project's types are Bun's, not the DOM's).
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown): any;
type HTMLElement = any;

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const nodes = Number(args.nodes ?? 200);
const runs = Number(args.runs ?? 7);
const dashboards = Number(args.dashboards ?? 20);
const measureMs = Number(args["measure-ms"] ?? 30_000);
const binary = join(import.meta.dir, "../../dist/satellite");

const files = await bundleUi();
const size = bundleSize(files);
const browser = await launchBrowser();

// (1) First full render of N nodes, and live update latency.
const stub = startStubCluster(files, nodes);
const renders: number[] = [];
const updates: number[] = [];
try {
  for (let run = 0; run < runs; run++) {
    console.log(`render run ${run + 1} of ${runs}`);
    const { page, problems } = await browser.page();
    await page.goto(`${stub.url}/ui/`, { waitUntil: "domcontentloaded" });
    const renderedAt = (await (await page.waitForFunction((n) => document.querySelectorAll("#nodes tbody tr").length === n && performance.now(), { polling: "raf", timeout: 20_000 }, nodes)).jsonValue()) as number;
    renders.push(renderedAt);
    await page.waitForFunction(() => document.documentElement.dataset.live === "open", { timeout: 5000 });
    const sentAt = Date.now();
    const changed = stub.degradeNext();
    await page.waitForFunction((name) => document.querySelector(`#nodes tr[data-node="${name}"]`)?.getAttribute("data-status") === "degraded", { polling: "raf", timeout: 5000 }, changed);
    updates.push(Date.now() - sentAt);
    if (problems.length > 0) throw new Error(`the dashboard reported problems: ${problems.join("; ")}`);
    await page.close();
  }
} finally {
  stub.stop();
}

// (3) A real agent with 0, then `dashboards` dashboards open.
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const dir = mkdtempSync(join(tmpdir(), "satellite-ui-bench-"));
const port = await freePort();
const config = join(dir, "satellite.yaml");
const flipPort = await freePort();
// A check that changes state every few seconds, so dashboards get events and re-read /status.
writeFileSync(config, `defaultChecks: false\nchecks:\n  - {name: steady, kind: tcp, address: "127.0.0.1:${port}", intervalMs: 1000}\n  - {name: flip, kind: tcp, address: "127.0.0.1:${flipPort}", intervalMs: 1000, timeoutMs: 500}\n`);
const agent = Bun.spawn([binary, "agent", "--name", "bench-ui", "--rpc-addr", `127.0.0.1:${port}`, "--gossip-addr", "127.0.0.1:0", "--state-dir", join(dir, "state"), "--config", config], { stdout: "ignore", stderr: "ignore" });
let flipListener: TCPSocketListener | undefined;
const flipper = setInterval(() => {
  if (flipListener) {
    flipListener.stop(true);
    flipListener = undefined;
  } else flipListener = Bun.listen({ hostname: "127.0.0.1", port: flipPort, socket: { data() {} } });
}, 3000);
const measure = async (label: string) => {
  const cpu0 = cpuSeconds(agent.pid);
  const rss: number[] = [];
  const started = performance.now();
  while (performance.now() - started < measureMs) {
    await Bun.sleep(1000);
    rss.push(rssMiB(agent.pid));
  }
  const cpu = cpuSeconds(agent.pid) - cpu0;
  return { label, cpuPercent: (100 * cpu) / (measureMs / 1000), rssMiB: median(rss), rssMaxMiB: Math.max(...rss) };
};
const agentRows: { label: string; cpuPercent: number; rssMiB: number; rssMaxMiB: number }[] = [];
try {
  await waitFor(() => agentStarted(`http://127.0.0.1:${port}`), 10_000, "the agent to start");
  await Bun.sleep(3000);
  agentRows.push(await measure("no dashboard"));
  const contexts = [];
  for (let i = 0; i < dashboards; i++) {
    // A browser opens at most 6 HTTP/1.1 connections per host and profile, and each dashboard
    // holds one for /events: each dashboard gets its own context, as 20 people's browsers would.
    const context = await browser.browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/ui/`, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => document.documentElement.dataset.live === "open", { timeout: 10_000 });
    contexts.push(context);
  }
  await Bun.sleep(3000);
  agentRows.push(await measure(`${dashboards} dashboards`));
  for (const context of contexts) await context.close();
} finally {
  clearInterval(flipper);
  flipListener?.stop(true);
  agent.kill("SIGTERM");
  await agent.exited;
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
report(
  `Dashboard: ${nodes}-node cluster view (median of ${runs}), bundle, agent cost with ${dashboards} dashboards`,
  [
    { measure: `first full render, ${nodes} nodes (navigation start -> all rows)`, value: `${ms(median(renders))} (p95 ${ms(percentile(renders, 95))})` },
    { measure: "live event -> changed row shown", value: `${ms(median(updates))} (p95 ${ms(percentile(updates, 95))})` },
    { measure: `bundle (${files.length} files)`, value: `${(size.bytes / 1024).toFixed(1)} KiB, ${(size.gzipBytes / 1024).toFixed(1)} KiB gzipped` },
    ...agentRows.map((r) => ({ measure: `agent CPU / RSS, ${r.label}`, value: `${r.cpuPercent.toFixed(2)} % of a core, ${r.rssMiB.toFixed(1)} MiB (max ${r.rssMaxMiB.toFixed(1)})` })),
  ],
  join(import.meta.dir, "out/ui.json"),
  { nodes, runs, dashboards, measureMs, renderMs: renders, updateMs: updates, bundle: { files: files.length, ...size }, agent: agentRows },
);
