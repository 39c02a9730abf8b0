import { expect, test } from "bun:test";
import { bundleUi } from "../../scripts/bundle-ui.ts";
import { prepareUiAssets } from "../../src/ui/ui-assets.ts";

test("the dashboard bundle is self-contained: the page loads only its own hashed files, nothing from another origin", async () => {
  const files = await bundleUi();
  const names = files.map((f) => f.name);
  const text = (name: string) => new TextDecoder().decode(files.find((f) => f.name === name)?.bytes);
  const html = text("index.html");
  const referenced = [...html.matchAll(/(?:src|href)="([^"#][^"]*)"/g)].map((m) => m[1] as string);
  expect(referenced.length).toBeGreaterThanOrEqual(3);
  for (const ref of referenced) expect(names).toContain(ref.replace(/^\.\//, ""));
  expect(names.some((n) => /^index-[0-9a-z]{8}\.js$/.test(n))).toBe(true);
  expect(names.some((n) => /^index-[0-9a-z]{8}\.css$/.test(n))).toBe(true);
  for (const file of files) {
    // No CDN, no web font, no remote image: the dashboard works air-gapped.
    expect(text(file.name)).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(text(file.name)).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
    expect(text(file.name)).not.toMatch(/@import/);
  }
  // No inline script or style for the CSP to refuse.
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(html).not.toMatch(/<style|style="/);
  const assets = prepareUiAssets(files);
  expect(assets.get("index.html")?.immutable).toBe(false);
  expect([...assets.values()].filter((a) => a.name !== "index.html").every((a) => a.immutable)).toBe(true);
}, 20_000);
