import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/** Debian's Chromium (scripts/install-test-deps.sh installs it); nothing is downloaded. */
export const CHROMIUM = "/usr/bin/chromium";

export interface TestBrowser {
  browser: Browser;
  /** A new page that records console errors, page errors and failed requests. */
  page(options?: { colorScheme?: "light" | "dark" }): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

/**
 * One headless Chromium for a whole test file, with a fresh profile that is removed on close.
 * The flags keep it from talking to anything but the agent under test.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "satellite-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`],
  });
  return {
    browser,
    async page(options = {}) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 860 });
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: options.colorScheme ?? "light" }]);
      const problems: string[] = [];
      page.on("console", (message) => {
        if (message.type() !== "error") return;
        const url = message.location().url ?? "";
        // A restarted agent answers /events 503 while it starts (api/starting-responses.ts); the page retries.
        if (url.includes("/events") && message.text().includes("status of 503")) return;
        problems.push(`console error: ${message.text()} (${url})`);
      });
      page.on("pageerror", (error) => problems.push(`page error: ${error instanceof Error ? error.message : String(error)}`));
      page.on("requestfailed", (request) => {
        // An EventSource cut by an agent restart is expected; anything else is a problem.
        if (!request.url().includes("/events")) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ""}`);
      });
      return { page, problems };
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
