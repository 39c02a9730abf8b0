/**
 * Bundles the dashboard (src/ui/app/: plain TypeScript, uPlot, one stylesheet) for browsers:
 * index.html plus content-hashed scripts, styles and icon, minified. scripts/build.ts writes
 * them to dist/ui/ and embeds that folder in the executable (`--asset`); tests and the UI
 * bench serve them straight from memory.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export interface UiBundleFile {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

const ENTRY = join(import.meta.dir, "../src/ui/app/index.html");
/** What src/ui/ui-assets.ts knows how to serve; anything else is a build error, not a surprise in a browser. */
const SERVED_EXTENSIONS = new Set(["html", "js", "css", "svg"]);

export async function bundleUi(): Promise<UiBundleFile[]> {
  const result = await Bun.build({
    entrypoints: [ENTRY],
    target: "browser",
    minify: true,
    sourcemap: "none",
    naming: { entry: "[name].[ext]", chunk: "[name]-[hash].[ext]", asset: "[name]-[hash].[ext]" },
  });
  if (!result.success) throw new Error(`bundling the dashboard (${ENTRY}) failed:\n${result.logs.map(String).join("\n")}`);
  const files: UiBundleFile[] = [];
  for (const output of result.outputs) {
    const name = output.path.replace(/^\.\//, "");
    const ext = name.slice(name.lastIndexOf(".") + 1);
    if (name.includes("/") || !SERVED_EXTENSIONS.has(ext)) throw new Error(`the dashboard bundle has ${name}, which the agent does not serve: only top-level .${[...SERVED_EXTENSIONS].join(", .")} files`);
    files.push({ name, bytes: new Uint8Array(await output.arrayBuffer()) });
  }
  if (!files.some((f) => f.name === "index.html")) throw new Error("the dashboard bundle has no index.html");
  return files;
}

/** Writes the bundle to `dir` (emptied first); returns its size, raw and gzipped, in bytes. */
export async function writeUiBundle(dir: string): Promise<{ files: number; bytes: number; gzipBytes: number }> {
  const files = await bundleUi();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of files) writeFileSync(join(dir, file.name), file.bytes);
  return { files: files.length, ...bundleSize(files) };
}

export function bundleSize(files: readonly UiBundleFile[]): { bytes: number; gzipBytes: number } {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    bytes += file.bytes.byteLength;
    gzipBytes += gzipSync(file.bytes, { level: 9 }).byteLength;
  }
  return { bytes, gzipBytes };
}
