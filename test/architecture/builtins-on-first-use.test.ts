import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Node built-in modules that cost start-up CPU out of proportion to their use are imported only
 * by their on-first-use loader: an import anywhere else evaluates the module (and what it
 * pulls in) in every agent before its join (docs/performance.md).
 */
const ON_FIRST_USE: Record<string, string> = {
  // Its stream classes: about 8 ms of CPU in a compiled program beside node:crypto.
  "node:zlib": "platform/zlib-package.ts",
};

test("no module of src/ imports a costly built-in except its loader", () => {
  const src = join(import.meta.dir, "../../src");
  const offenders: string[] = [];
  for (const name of readdirSync(src, { recursive: true, encoding: "utf8" }).filter((n) => n.endsWith(".ts")).sort()) {
    const text = readFileSync(join(src, name), "utf8");
    for (const [builtin, loader] of Object.entries(ON_FIRST_USE)) {
      if (name === loader) continue;
      const bare = builtin.replace(/^node:/, "");
      // Static imports, re-exports and import() alike; `import type` costs nothing at run time.
      const pattern = new RegExp(`(?:^|\\n)\\s*(?:import|export)(?!\\s+type\\b)[^;]*?from\\s*["'](?:node:)?${bare}["']|import\\(\\s*["'](?:node:)?${bare}["']\\s*\\)`);
      if (pattern.test(text)) offenders.push(`src/${name} imports ${builtin}; use ${loader}`);
    }
  }
  expect(offenders).toEqual([]);
});
