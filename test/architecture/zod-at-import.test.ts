import { expect, test } from "bun:test";
import { join } from "node:path";

/**
 * No module of src/ builds a zod schema when it is imported: zod objects are about 8 KiB of heap
 * each, and a schema built at import is kept for the life of every agent and CLI process
 * (docs/performance.md). Schemas are built by functions: the config's for one parse and then
 * dropped, those validating input again and again on first use (config/schema-on-first-use.ts).
 *
 * Every schema object zod builds installs its internals with Object.defineProperty(instance,
 * "_zod", ...); a fresh process counts those calls while it imports every module, and names
 * the line of src/ that made each one.
 */
const root = join(import.meta.dir, "../..");

/** Modules that are not imported here: main.ts runs the CLI when imported; ui/app/ is browser code. */
const NOT_IMPORTED = ["main.ts", "ui/app/"];

function zodBuiltAtImport(sourceRoot: string): { modules: number; probeWorks: boolean; sites: string[] } {
  const script = `
    import { readdirSync } from "node:fs";
    import { join } from "node:path";
    const src = ${JSON.stringify(join(sourceRoot, "src"))};
    const sites = new Map();
    const define = Object.defineProperty;
    Object.defineProperty = function (target, key, descriptor) {
      if (key === "_zod") {
        const frame = (new Error().stack ?? "").split("\\n").find((line) => line.includes(src + "/")) ?? "outside src/";
        const site = frame.trim().replace(/^at .*?\\(?\\//, "/").replace(src + "/", "src/").replace(/:\\d+\\)?$/, "");
        sites.set(site, (sites.get(site) ?? 0) + 1);
      }
      return define(target, key, descriptor);
    };
    const skip = ${JSON.stringify(NOT_IMPORTED)};
    const files = readdirSync(src, { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts") && !skip.some((s) => name === s || name.startsWith(s)))
      .sort();
    for (const name of files) await import(join(src, name));
    const found = [...sites].map(([site, count]) => site + " (" + count + " zod objects)");
    sites.clear();
    const { z } = await import("zod");
    z.string();
    console.log(JSON.stringify({ modules: files.length, probeWorks: sites.size > 0, sites: found }));`;
  const result = Bun.spawnSync([process.execPath, "-e", script], { cwd: sourceRoot, stdout: "pipe", stderr: "pipe" });
  expect(result.stderr.toString()).toBe("");
  return JSON.parse(result.stdout.toString()) as { modules: number; probeWorks: boolean; sites: string[] };
}

test("importing any module of src/ builds no zod schema", () => {
  const { modules, probeWorks, sites } = zodBuiltAtImport(root);
  expect(modules).toBeGreaterThan(100);
  // The count relies on how zod installs its internals: a schema built after the imports must be seen.
  expect(probeWorks).toBe(true);
  expect(sites).toEqual([]);
}, 60_000);
