import { describe, expect, test } from "bun:test";
import type { GeneratorsSource } from "../../src/api/generators-routes.ts";
import { makeApp } from "./app-fixture.ts";

function fakeGenerators() {
  const calls: string[] = [];
  const source: GeneratorsSource = {
    list: () => [{ name: "lb", template: "/etc/satellite/lb.njk", target: "/etc/haproxy/haproxy.cfg", command: "systemctl reload haproxy", debounceMs: 2000, kvPrefixes: [], renders: 3, writes: 1, lastRenderAtMs: 1000, commandRuns: 1, commandPending: false, lastCommand: { atMs: 900, durationMs: 12, exitCode: 1, ok: false, error: "exited with 1", output: "[ALERT] bad" } }],
    render: async (name, { dryRun }) => {
      calls.push(`${name} dryRun=${dryRun}`);
      if (name === "broken") return { generator: name, target: "/x", ok: false, error: 'generator "broken" cannot render /t.njk: template /t.njk, line 2: oops' };
      if (name !== "lb") return undefined;
      return dryRun ? { generator: name, target: "/etc/haproxy/haproxy.cfg", ok: true, result: "would-write", content: "backend\n" } : { generator: name, target: "/etc/haproxy/haproxy.cfg", ok: true, result: "written" };
    },
  };
  return { source, calls };
}

const local = { remoteAddress: "127.0.0.1" };

describe("/generators", () => {
  test("GET lists the generators with their last render and command", async () => {
    const { source } = fakeGenerators();
    const { app } = makeApp({ generators: source });
    const response = await app.request("/generators", {}, local);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { generators: unknown[] }).generators[0]).toMatchObject({ name: "lb", lastCommand: { exitCode: 1, ok: false } });
  });

  test("GET without generators answers an empty list", async () => {
    const { app } = makeApp();
    expect(await (await app.request("/generators", {}, local)).json()).toEqual({ generators: [] });
  });

  test("POST render: dry run, real run, unknown name, failed render, bad dryRun", async () => {
    const { source, calls } = fakeGenerators();
    const { app } = makeApp({ generators: source });
    const dry = await app.request("/generators/lb/render?dryRun=1", { method: "POST" }, local);
    expect(dry.status).toBe(200);
    expect(await dry.json()).toMatchObject({ result: "would-write", content: "backend\n" });
    const real = await app.request("/generators/lb/render", { method: "POST" }, local);
    expect(await real.json()).toMatchObject({ result: "written" });
    expect(calls).toEqual(["lb dryRun=true", "lb dryRun=false"]);
    const unknown = await app.request("/generators/nope/render", { method: "POST" }, local);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe('no generator named "nope"');
    const broken = await app.request("/generators/broken/render", { method: "POST" }, local);
    expect(broken.status).toBe(422);
    expect(((await broken.json()) as { error: string }).error).toContain("line 2: oops");
    expect((await app.request("/generators/lb/render?dryRun=maybe", { method: "POST" }, local)).status).toBe(400);
  });

  test("POST render is refused from another host without a token, dry run included", async () => {
    const { source, calls } = fakeGenerators();
    const { app } = makeApp({ generators: source });
    const response = await app.request("/generators/lb/render?dryRun=1", { method: "POST" }, { remoteAddress: "10.0.0.9" });
    expect(response.status).toBe(403);
    expect(calls).toEqual([]);
  });
});
