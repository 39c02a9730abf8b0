import { describe, expect, test } from "bun:test";
import type { GeneratorsSource } from "../../src/api/generators-routes.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const CONTENT = "backend app\n    server a 10.0.0.1:8080 check\n";

function generators(): GeneratorsSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    list: () => [
      { name: "haproxy", template: "/etc/satellite/haproxy.cfg.njk", target: "/etc/haproxy/haproxy.cfg", command: "systemctl reload haproxy", debounceMs: 2000, kvPrefixes: [], renders: 4, writes: 2, lastRenderAtMs: NOW - 3000, lastWriteAtMs: NOW - 60_000, commandRuns: 1, commandPending: false, lastCommand: { atMs: NOW - 58_000, durationMs: 40, exitCode: 1, ok: false, error: "exited with 1", output: "" } },
      { name: "hosts", template: "/etc/satellite/hosts.njk", target: "/etc/hosts.cluster", debounceMs: 2000, kvPrefixes: [], renders: 0, writes: 0, commandRuns: 0, commandPending: false },
    ],
    render: async (name, { dryRun }) => {
      calls.push(`${name} ${dryRun ? "dry" : "write"}`);
      if (name === "broken") return { generator: name, target: "/x", ok: false, error: 'generator "broken" cannot render /t.njk: template /t.njk, line 2: oops' };
      if (name !== "haproxy") return undefined;
      return dryRun ? { generator: name, target: "/etc/haproxy/haproxy.cfg", ok: true, result: "would-write", content: CONTENT } : { generator: name, target: "/etc/haproxy/haproxy.cfg", ok: true, result: "unchanged" };
    },
  };
}

describe("satellite generate", () => {
  test("without a name lists the generators: last render, write, command and error", async () => {
    const c = cliFixture({ app: makeApp({ generators: generators() }).app, clock: new ManualClock(NOW) });
    expect(await c.run("generate")).toBe(0);
    const lines = (c.out.at(-1) ?? "").split("\n");
    expect(lines[0]).toMatch(/^NAME\s+TARGET\s+RENDERED\s+WRITTEN\s+COMMAND\s+DEBOUNCE\s+ERROR$/);
    expect(lines[1]).toMatch(/^haproxy\s+\/etc\/haproxy\/haproxy.cfg\s+3s ago\s+1m ago\s+failed \(1\)\s+2s\s+exited with 1$/);
    expect(lines[2]).toMatch(/^hosts\s+\/etc\/hosts.cluster\s+never\s+never\s+-\s+-\s*$/);
  });

  test("--dry-run prints the file byte for byte and says on stderr whether it would change", async () => {
    const source = generators();
    const c = cliFixture({ app: makeApp({ generators: source }).app });
    expect(await c.run("generate", "haproxy", "--dry-run")).toBe(0);
    expect(`${c.out.join("\n")}\n`).toBe(CONTENT);
    expect(c.err).toEqual(["/etc/haproxy/haproxy.cfg would change"]);
    expect(c.urls.at(-1)).toEndWith("/generators/haproxy/render?dryRun=1");
    expect(await c.run("generate", "haproxy")).toBe(0);
    expect(c.out.at(-1)).toBe("/etc/haproxy/haproxy.cfg is up to date: nothing written");
    expect(source.calls).toEqual(["haproxy dry", "haproxy write"]);
  });

  test("an unknown generator and a failing template exit 1 with the agent's words", async () => {
    const c = cliFixture({ app: makeApp({ generators: generators() }).app });
    expect(await c.run("generate", "nope")).toBe(1);
    expect(c.err.join("\n")).toContain('no generator named "nope"');
    expect(await c.run("generate", "broken", "--dry-run")).toBe(1);
    expect(c.err.join("\n")).toContain("template /t.njk, line 2: oops");
  });

  test("a name no generator can have is a usage error (exit 2)", async () => {
    const c = cliFixture({ app: makeApp({ generators: generators() }).app });
    expect(await c.run("generate", "a b")).toBe(2);
    expect(c.err.at(-1)).toContain("a generator name is 1 to 64 letters");
  });
});
