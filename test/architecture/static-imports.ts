import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** The repository's root: paths below are relative to it ("src/main.ts"). */
export const repoRoot = join(import.meta.dir, "../..");
const transpiler = new Bun.Transpiler({ loader: "ts" });

/** What a file imports, statically and through import(); type-only imports are erased. */
export function importsOf(file: string): ReturnType<Bun.Transpiler["scanImports"]> {
  return transpiler.scanImports(readFileSync(join(repoRoot, file), "utf8"));
}

/** Files that `entries` reach through static relative imports, sorted (import() is not followed). */
export function staticGraph(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const pending = [...entries];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of importsOf(file)) {
      if (imported.kind === "import-statement" && imported.path.startsWith(".")) pending.push(relative(repoRoot, join(repoRoot, dirname(file), imported.path)));
    }
  }
  return [...seen].sort();
}
