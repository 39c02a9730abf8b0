import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The public surface (docs/library.md, "Versioning: what is public") is exactly what the
 * package's exports map resolves to: same entry points, same value names at run time, same
 * names (types included) in the entry files.
 */
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { name: string; exports: Record<string, string | { types: string; default: string }> };

interface Documented {
  values: string[];
  types: string[];
}

function documentedSurface(): Map<string, Documented> {
  const doc = readFileSync("docs/library.md", "utf8");
  const section = doc.split(/^## Versioning: what is public$/m)[1]?.split(/^## /m)[0] ?? "";
  const surface = new Map<string, Documented>();
  for (const block of section.split(/^### /m).slice(1)) {
    const entry = /^`([^`]+)`/.exec(block)?.[1];
    if (!entry) continue;
    const names = (label: string) => [...(new RegExp(`^- ${label}: (.*)$`, "m").exec(block)?.[1] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "").sort();
    surface.set(entry, { values: names("values"), types: names("types") });
  }
  return surface;
}

/** Names exported by an entry file's `export {...} from` / `export type {...} from` statements. */
function exportedNames(source: string): Documented {
  const values: string[] = [];
  const types: string[] = [];
  for (const match of source.matchAll(/^export (type )?\{([^}]*)\} from/gm)) {
    for (const raw of (match[2] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
      const isType = match[1] !== undefined || raw.startsWith("type ");
      const name = raw.replace(/^type /, "").split(/\s+as\s+/).pop() ?? raw;
      (isType ? types : values).push(name);
    }
  }
  return { values: values.sort(), types: types.sort() };
}

const entryFile = (target: string | { types: string; default: string }) => (typeof target === "string" ? target : target.default);

describe("the package's public surface", () => {
  const documented = documentedSurface();
  const codeEntries = Object.keys(pkg.exports).filter((k) => k !== "./package.json");

  test("the exports map has exactly the documented entry points, types beside each", () => {
    expect(codeEntries.map((k) => (k === "." ? pkg.name : `${pkg.name}/${k.slice(2)}`)).sort()).toEqual([...documented.keys()].sort());
    for (const key of codeEntries) {
      const target = pkg.exports[key];
      expect(typeof target === "object" && target.types === target.default).toBe(true);
    }
  });

  for (const key of codeEntries) {
    const specifier = key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`;
    test(`${specifier} resolves by package name and exposes exactly the documented names`, async () => {
      const resolved = fileURLToPath(import.meta.resolve(specifier));
      expect(resolved).toBe(fileURLToPath(new URL(`../../${entryFile(pkg.exports[key] ?? "")}`, import.meta.url)));
      const module = (await import(specifier)) as Record<string, unknown>;
      const doc = documented.get(specifier);
      expect(Object.keys(module).sort()).toEqual(doc?.values ?? []);
      expect(exportedNames(readFileSync(resolved, "utf8"))).toEqual(doc ?? { values: [], types: [] });
    });
  }
});
