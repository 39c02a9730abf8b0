import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { waitFor } from "../support/processes.ts";
import { CHROMIUM, launchBrowser, type TestBrowser } from "./browser.ts";
import { BINARY, startUiCluster, type UiCluster } from "./ui-cluster.ts";

// The callbacks given to page.evaluate / waitForFunction run in the page, not here: its DOM
// globals, declared for this module only (the project's types are Bun's, not the DOM's).
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown): any;
type HTMLElement = any;

/**
 * The dashboard in real headless Chromium, served by real agents from dist/satellite (so the
 * assets embedded in the executable are what is tested). One browser for the whole file.
 */
const work = mkdtempSync(join(tmpdir(), "satellite-ui-"));
/** Kept after the run (its path is printed); `npm run screenshots` points it at docs/screenshots. */
const screenshots = Bun.env.SATELLITE_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), "satellite-ui-screenshots-"));
let browser: TestBrowser;
let cluster: UiCluster;

const ready = existsSync(BINARY) && existsSync(CHROMIUM);

async function rowText(page: Page, node: string): Promise<string> {
  return page.$eval(`#nodes tr[data-node="${node}"]`, (el) => (el as HTMLElement).innerText).catch(() => "");
}

describe.skipIf(!ready)("dashboard in Chromium", () => {
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    [browser, cluster] = await Promise.all([launchBrowser(), startUiCluster(work, 3)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), cluster?.stop()]);
    rmSync(work, { recursive: true, force: true });
    console.log(`dashboard screenshots: ${screenshots}`);
  });

  test("a browser opening / lands on /ui/; every view loads with no console error", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${cluster.base}/`);
    expect(new URL(page.url()).pathname).toBe("/ui/");
    await page.waitForSelector('#nodes tr[data-node="ui-2"]', { timeout: 5000 });
    expect(await rowText(page, "ui-1")).toContain("master");
    expect(await page.$eval("#cluster-summary", (el) => el.textContent)).toBeTruthy();
    await page.screenshot({ path: join(screenshots, "cluster.png") });

    await page.click('#nodes tr[data-node="ui-2"] a');
    await page.waitForSelector('#probes tr[data-checker="flip"]', { timeout: 5000 });
    await page.waitForFunction(() => document.querySelectorAll("#duration-plots .plot-card, #duration-plots .note").length > 0, { timeout: 5000 });
    await page.screenshot({ path: join(screenshots, "node.png"), fullPage: true });

    await page.click('nav a[data-view="timeline"]');
    await page.waitForSelector("#timeline tbody tr", { timeout: 5000 });
    await page.screenshot({ path: join(screenshots, "timeline.png") });

    await page.click('nav a[data-view="network"]');
    await page.waitForFunction(() => document.querySelector("main .note, #heatmap") !== null, { timeout: 5000 });
    await page.screenshot({ path: join(screenshots, "network.png") });

    const dark = await browser.page({ colorScheme: "dark" });
    await dark.page.goto(`${cluster.base}/ui/`);
    await dark.page.waitForSelector('#nodes tr[data-node="ui-2"]', { timeout: 5000 });
    expect(await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
    await dark.page.close();
    await page.close();
    expect(problems).toEqual([]);
    expect(dark.problems).toEqual([]);
  }, 30_000);

  test("a probe that fails on another node appears in the cluster view within 2 s, without a reload", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${cluster.base}/ui/`);
    await page.waitForSelector('#nodes tr[data-node="ui-2"]', { timeout: 5000 });
    await page.waitForFunction(() => document.documentElement.dataset.live === "open", { timeout: 5000 });
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    expect(await rowText(page, "ui-2")).not.toContain("flip");

    const failedAt = performance.now();
    cluster.flip.down();
    await page.waitForFunction(() => document.querySelector('#nodes tr[data-node="ui-2"] td.failing')?.textContent?.includes("flip"), { timeout: 2000, polling: 20 });
    const shownAfterMs = performance.now() - failedAt;
    expect(await rowText(page, "ui-2")).toMatch(/flip: cannot connect to 127\.0\.0\.1/);
    // The node's verdict travels in its health digest, beside the probe list: it follows.
    await page.waitForSelector('#nodes tr[data-node="ui-2"][data-status="degraded"]', { timeout: 2000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(shownAfterMs).toBeLessThan(2000);
    console.log(`failing probe of ui-2 shown ${shownAfterMs.toFixed(0)} ms after the fault`);
    await page.screenshot({ path: join(screenshots, "cluster-failing.png") });
    await page.close();
    expect(problems).toEqual([]);
  }, 20_000);

  test("the timeline filter keeps only the chosen node's and type's events, and links to the node view", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${cluster.base}/ui/#/timeline`);
    await page.waitForSelector("#timeline tbody tr", { timeout: 5000 });
    const allTypes = await page.$$eval("#timeline tbody tr", (rows) => rows.map((r) => (r as HTMLElement).dataset.type));
    expect(allTypes).toContain("NodeAdded");

    await page.select("#timeline-node", "ui-2");
    await page.select("#timeline-type", "ProbeFailed");
    await page.waitForFunction(() => document.querySelector("#timeline-count")?.textContent?.match(/^\d+ event/) && [...document.querySelectorAll("#timeline tbody tr")].every((r) => (r as HTMLElement).dataset.type === "ProbeFailed"), { timeout: 5000 });
    const rows = await page.$$eval("#timeline tbody tr", (trs) => trs.map((r) => (r as HTMLElement).innerText));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toContain("ui-2");
      expect(row).toContain("ProbeFailed");
    }
    expect(rows.some((r) => r.includes("flip"))).toBe(true);
    expect(page.url()).toContain("#/timeline?node=ui-2&type=ProbeFailed");

    await page.click("#timeline tbody tr a");
    await page.waitForSelector('#probes tr[data-checker="flip"]', { timeout: 5000 });
    expect(page.url()).toContain("#/node/ui-2");
    await page.close();
    expect(problems).toEqual([]);
  }, 20_000);

  test("after an agent restart the page reconnects by itself and shows live changes again", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${cluster.base}/ui/`);
    await page.waitForFunction(() => document.documentElement.dataset.live === "open", { timeout: 5000 });
    const connectionsBefore = Number(await page.evaluate(() => document.documentElement.dataset.liveConnections));

    await cluster.stopNode(0);
    await page.waitForFunction(() => document.documentElement.dataset.live !== "open", { timeout: 5000 });
    await cluster.startNode(0);
    await page.waitForFunction((before) => document.documentElement.dataset.live === "open" && Number(document.documentElement.dataset.liveConnections) > before, { timeout: 15_000 }, connectionsBefore);
    await waitFor(async () => {
      const body = (await (await fetch(`${cluster.base}/status`)).json()) as { nodes?: unknown[] };
      return body.nodes?.length === 3;
    }, 15_000, "ui-2 back in the restarted agent's view");

    // Events flow again: ui-2's probe recovers and its failure leaves the row without a reload.
    cluster.flip.up();
    await page.waitForFunction(() => {
      const row = document.querySelector('#nodes tr[data-node="ui-2"]');
      return row !== null && !row.querySelector("td.failing")?.textContent?.includes("flip");
    }, { timeout: 10_000 });
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
