import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AgentSim } from "./agent-sim.ts";

/**
 * Complete agents on the simulated network; node-0 runs the haproxy generator of
 * examples/generators/ with real files and a real command, and every generated file is checked
 * by the real haproxy (`haproxy -c`, Debian package haproxy).
 */
const HAPROXY = Bun.which("haproxy") ?? (existsSync("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : undefined);
const TEMPLATE = resolve(import.meta.dir, "../../examples/generators/haproxy.cfg.njk");
const work = mkdtempSync(join(tmpdir(), "satellite-generators-sim-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const target = join(work, "haproxy.cfg");
const runsLog = join(work, "runs.log");
const DEBOUNCE_MS = 5000;

class GeneratorSim extends AgentSim {
  protected override extraConfig(name: string): Record<string, unknown> {
    if (name !== "node-0") return {};
    // The command records each run and checks the file it was run for, as a reload hook would.
    const command = `echo "run $(date +%s%N)" >> ${runsLog} && ${HAPROXY} -c -q -f "$SATELLITE_TARGET"`;
    return { generators: [{ name: "haproxy", template: TEMPLATE, target, command, debounce: `${DEBOUNCE_MS}ms`, commandTimeout: "1h", kvPrefixes: ["haproxy/"] }] };
  }
}

function haproxyCheck(): { ok: boolean; output: string } {
  const result = Bun.spawnSync([HAPROXY as string, "-c", "-f", target], { stdout: "pipe", stderr: "pipe" });
  return { ok: result.exitCode === 0, output: `${result.stdout.toString()}${result.stderr.toString()}` };
}

function serverLines(): string[] {
  return readFileSync(target, "utf8")
    .split("\n")
    .filter((l) => l.trim().startsWith("server "))
    .map((l) => l.trim());
}

const commandRuns = (): number => (existsSync(runsLog) ? readFileSync(runsLog, "utf8").trim().split("\n").length : 0);

interface GeneratorListing {
  writes: number;
  commandRuns: number;
  commandPending: boolean;
  lastCommand?: { ok: boolean; exitCode: number | null; output: string };
  lastError?: string;
}

describe.skipIf(HAPROXY === undefined)("a generated haproxy configuration follows the cluster", () => {
  test("join, leave and a key-value write: the file changes, haproxy -c accepts every version, the reload command runs once per burst", async () => {
    const sim = new GeneratorSim(20);
    const generator = async (): Promise<GeneratorListing> => {
      const body = (await (await sim.get("node-0").request("/generators")).json()) as { generators: GeneratorListing[] };
      return body.generators[0] as GeneratorListing;
    };
    /** Waits for a request that needs other nodes (the key-value store's replicas), moving simulated time meanwhile. */
    const advancing = async <T>(pending: Promise<T>): Promise<T> => {
      let done = false;
      void pending.finally(() => (done = true)).catch(() => {});
      for (let i = 0; !done; i++) {
        if (i > 600) throw new Error("no answer within 60 s of simulated time");
        await sim.clock.advance(100);
      }
      return pending;
    };
    /** Moves simulated time past the debounce, then waits (really, bounded) for the command process to end. */
    const settle = async (): Promise<GeneratorListing> => {
      await sim.clock.advance(DEBOUNCE_MS + 1000);
      for (let i = 0; i < 200; i++) {
        const g = await generator();
        if (!g.commandPending) return g;
        await Bun.sleep(25);
      }
      throw new Error("the generator's command did not finish within 5 s");
    };
    try {
      await sim.start(0, "master");
      await sim.start(1, "node", [0]);
      const bothHealthy = () => serverLines().length === 2 && serverLines().every((l) => !l.includes("disabled"));
      expect(await sim.advanceUntil(() => existsSync(target) && bothHealthy(), 10_000)).toBeGreaterThanOrEqual(0);
      expect(serverLines()).toEqual(["server node-0 10.3.0.1:8080 check", "server node-1 10.3.0.2:8080 check"]);
      expect(haproxyCheck()).toMatchObject({ ok: true });
      let g = await settle();
      expect(g.lastError).toBeUndefined();
      expect(g.lastCommand).toMatchObject({ ok: true, exitCode: 0 });
      // Start-up wrote the file more than once (members, then their health), the command ran once.
      expect(g.writes).toBeGreaterThan(1);
      expect(commandRuns()).toBe(1);
      const writesBefore = g.writes;

      await sim.start(2, "node", [0]);
      expect(await sim.advanceUntil(() => serverLines().length === 3 && serverLines().every((l) => !l.includes("disabled")), 10_000)).toBeGreaterThanOrEqual(0);
      expect(serverLines()).toContain("server node-2 10.3.0.3:8080 check");
      expect(haproxyCheck()).toMatchObject({ ok: true });
      g = await settle();
      expect(g.writes).toBeGreaterThan(writesBefore);
      expect(commandRuns()).toBe(2);

      await sim.stop("node-2", true);
      expect(await sim.advanceUntil(() => serverLines().length === 2, 10_000)).toBeGreaterThanOrEqual(0);
      expect(serverLines().some((l) => l.includes("node-2"))).toBe(false);
      expect(haproxyCheck()).toMatchObject({ ok: true });
      g = await settle();
      expect(commandRuns()).toBe(3);
      expect(g.lastCommand).toMatchObject({ ok: true, exitCode: 0 });

      // A key-value write on another node reaches the file through the replicated store.
      expect(readFileSync(target, "utf8")).toContain("maxconn 4096\n");
      const put = await advancing(sim.get("node-1").request("/kv/haproxy/maxconn", { method: "PUT", body: "2000" }));
      expect(put.status).toBe(200);
      expect(await sim.advanceUntil(() => readFileSync(target, "utf8").includes("maxconn 2000\n"), 10_000)).toBeGreaterThanOrEqual(0);
      expect(haproxyCheck()).toMatchObject({ ok: true });
      g = await settle();
      expect(commandRuns()).toBe(4);

      // A file changed by hand is put back by a forced render.
      writeFileSync(target, "this is not haproxy\n");
      const forced = await advancing(sim.get("node-0").request("/generators/haproxy/render", { method: "POST" }));
      expect(await forced.json()).toMatchObject({ ok: true, result: "written" });
      expect(haproxyCheck()).toMatchObject({ ok: true });
    } finally {
      await sim.stopAll();
    }
  }, 120_000);
});
