import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { CHECKER_KIND_TABLE, type CheckerKindEntry } from "./registry.ts";

/**
 * The registry's kinds, each loaded on first use and built over one set of deps. Validation and
 * planning stay synchronous: `load` the kinds a config names first, then `find` them.
 */
export interface CheckerKindCatalog {
  /** Every kind's name, in the registry's order (the "allowed:" list of an unknown kind). */
  readonly names: readonly string[];
  /** Loads and builds the kinds of `kinds` that are in the registry; other names are left for validation to report. */
  load(kinds: Iterable<string>): Promise<void>;
  /** Every kind, loaded and built (the config's JSON Schema, docs). */
  loadAll(): Promise<readonly CheckerKind<any>[]>;
  /**
   * A kind loaded before; undefined for a name the registry does not list. Throws for a listed
   * kind not loaded yet: the caller forgot `load`, a bug that must not read as "unknown kind".
   */
  find(kind: string): CheckerKind<any> | undefined;
}

/** A catalog over `table` (the registry's by default) whose kinds are built over `deps`. */
export function createCheckerKindCatalog(deps: CheckerDeps, table: readonly CheckerKindEntry[] = CHECKER_KIND_TABLE): CheckerKindCatalog {
  const entries = new Map(table.map((entry) => [entry.kind, entry]));
  const built = new Map<string, CheckerKind<any>>();
  const loadOne = async (entry: CheckerKindEntry): Promise<void> => {
    if (built.has(entry.kind)) return;
    const factory = await entry.load();
    if (!built.has(entry.kind)) built.set(entry.kind, factory(deps));
  };
  return {
    names: table.map((entry) => entry.kind),
    async load(kinds) {
      const wanted = [...new Set(kinds)].flatMap((kind) => entries.get(kind) ?? []);
      await Promise.all(wanted.map(loadOne));
    },
    async loadAll() {
      await Promise.all(table.map(loadOne));
      return table.map((entry) => built.get(entry.kind) as CheckerKind<any>);
    },
    find(kind) {
      if (!entries.has(kind)) return undefined;
      const loaded = built.get(kind);
      if (!loaded) throw new Error(`checker kind "${kind}" was looked up before it was loaded: call load() with the config's kinds first`);
      return loaded;
    },
  };
}
