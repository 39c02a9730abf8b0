import { describe, expect, test } from "bun:test";
import { planChecks } from "../../src/agent/check-setup.ts";
import { checkerKinds } from "../../src/checkers/all-kinds.ts";
import { systemCheckerDeps } from "../../src/checkers/deps.ts";
import { createCheckerKindCatalog } from "../../src/checkers/kind-catalog.ts";
import { CHECKER_KIND_TABLE, type CheckerKindEntry } from "../../src/checkers/registry.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadAgentConfig, loadAgentConfigLoadingKinds } from "../../src/config/load.ts";
import { createFakeHostProbe } from "../../src/platform/host-probe.ts";
import { silentLogger } from "../../src/platform/logger.ts";

/** The registry's table with every module load counted. */
function countingTable(): { table: CheckerKindEntry[]; loaded: string[] } {
  const loaded: string[] = [];
  const table = CHECKER_KIND_TABLE.map((entry) => ({
    ...entry,
    load: () => {
      loaded.push(entry.kind);
      return entry.load();
    },
  }));
  return { table, loaded };
}

function input(file: string) {
  return { flags: { config: "/etc/satellite.yaml" }, env: {}, readFile: () => file, hostname: () => "host-a", cwd: "/srv" };
}

async function problemsOf(load: () => unknown): Promise<string> {
  try {
    await load();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the registry's table", () => {
  test("lists every kind the eager list builds, in its order, with the kind's own description", async () => {
    expect(CHECKER_KIND_TABLE.map((e) => e.kind)).toEqual(checkerKinds.map((k) => k.kind));
    for (const entry of CHECKER_KIND_TABLE) {
      const kind = (await entry.load())(systemCheckerDeps);
      expect(kind.kind).toBe(entry.kind);
      expect(entry.description, entry.kind).toBe(kind.description);
    }
  });
});

describe("the kind catalog", () => {
  test("loads only the kinds asked for; an unlisted name is unknown, a listed one not loaded is a bug", async () => {
    const { table, loaded } = countingTable();
    const catalog = createCheckerKindCatalog(systemCheckerDeps, table);
    await catalog.load(["http", "http", "no-such-kind"]);
    expect(loaded).toEqual(["http"]);
    expect(catalog.find("http")?.kind).toBe("http");
    expect(catalog.find("no-such-kind")).toBeUndefined();
    expect(() => catalog.find("tcp")).toThrow('checker kind "tcp" was looked up before it was loaded');
    await catalog.load(["http"]);
    expect(loaded).toEqual(["http"]);
    expect((await catalog.loadAll()).map((k) => k.kind)).toEqual(catalog.names as string[]);
  });

  test("an agent with built-in checks off and no checks loads no kind's module", async () => {
    const { table, loaded } = countingTable();
    const catalog = createCheckerKindCatalog(systemCheckerDeps, table);
    const config = await loadAgentConfigLoadingKinds(input("defaultChecks: false\n"), catalog);
    const plan = await planChecks(config, catalog, createFakeHostProbe([]), silentLogger);
    expect(plan.scheduled).toEqual([]);
    expect(loaded).toEqual([]);
  });

  test("an agent loads the kinds its checks and its built-in checks name, no other", async () => {
    const { table, loaded } = countingTable();
    const catalog = createCheckerKindCatalog(systemCheckerDeps, table);
    const file = "checks:\n  - { name: web, kind: http, url: 'http://127.0.0.1:1/' }\n";
    const config = await loadAgentConfigLoadingKinds(input(file), catalog);
    const plan = await planChecks(config, catalog, createFakeHostProbe([]), silentLogger);
    const ran = new Set(plan.tracked.map((c) => c.kind));
    expect(ran.has("http")).toBe(true);
    expect(new Set(loaded)).toEqual(ran);
    expect(loaded.length).toBeLessThan(table.length);
  });

  test("problems read the same as with every kind loaded: unknown kind, bad options", async () => {
    const file = "checks:\n  - { name: a, kind: htp }\n  - { name: b, kind: tcp, port: 'x' }\n";
    const eager = await problemsOf(() =>
      loadAgentConfig({ ...input(file), findKind: (kind) => checkerKinds.find((k) => k.kind === kind), kindNames: checkerKinds.map((k) => k.kind) }),
    );
    expect(eager).toContain('unknown kind "htp"; allowed: disk-space, disk-latency, http');
    const lazy = await problemsOf(() => loadAgentConfigLoadingKinds(input(file), createCheckerKindCatalog(systemCheckerDeps)));
    expect(lazy).toBe(eager);
  });
});
