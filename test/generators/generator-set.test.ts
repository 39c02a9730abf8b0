import { describe, expect, test } from "bun:test";
import type { GeneratorConfig } from "../../src/config/generator-templates.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { RENDER_SETTLE_MS, RESYNC_MS, startGeneratorSet } from "../../src/generators/generator-set.ts";
import type { MemberFacts } from "../../src/generators/template-context.ts";
import type { KvBackend } from "../../src/kv/kv-backend.ts";
import { createMemoryGeneratedFiles } from "../../src/platform/generated-files.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { generatorConfig, member, memoryKv, recordingExec } from "./fakes.ts";

function setup(configs: GeneratorConfig[], options: { kv?: KvBackend; files?: Record<string, string> } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 20, 0, 0));
  const logger = createMemoryLogger();
  const events = createEventStream({ clock, logger });
  const files = createMemoryGeneratedFiles(options.files ?? {});
  const exec = recordingExec();
  const cluster: { facts: MemberFacts[] } = { facts: [member("b", "10.0.0.2"), member("a", "10.0.0.1", { role: "master" })] };
  const set = startGeneratorSet({ generators: configs, events, clock, exec, files, logger, kv: options.kv, source: () => ({ facts: cluster.facts, self: "a" }) });
  const joined = (name: string, addr: string) => {
    cluster.facts = [...cluster.facts, member(name, addr)];
    events.publish({ type: "NodeAdded", node: name, addr, tags: { role: "node" } } as never);
  };
  return { clock, logger, events, files, exec, cluster, set, joined };
}

describe("generators", () => {
  test("render at start with members sorted by name; a join is rendered after the settle time", async () => {
    const g = setup([generatorConfig()]);
    await g.clock.advance(0);
    expect(g.files.files["/etc/lb/backends.cfg"]).toBe("a 10.0.0.1\nb 10.0.0.2\n");
    expect(g.files.modes["/etc/lb/backends.cfg"]).toBe(0o644);
    g.joined("c", "10.0.0.3");
    await g.clock.advance(RENDER_SETTLE_MS - 1);
    expect(g.files.files["/etc/lb/backends.cfg"]).toBe("a 10.0.0.1\nb 10.0.0.2\n");
    await g.clock.advance(1);
    expect(g.files.files["/etc/lb/backends.cfg"]).toBe("a 10.0.0.1\nb 10.0.0.2\nc 10.0.0.3\n");
    await g.set.stop();
  });

  test("an unchanged rendering writes nothing and runs no command", async () => {
    const g = setup([generatorConfig()]);
    await g.clock.advance(5000);
    expect(g.files.writes).toHaveLength(1);
    expect(g.exec.runs).toHaveLength(1);
    // An event that changes nothing templates show (a reordering of the same members).
    g.cluster.facts = [...g.cluster.facts].reverse();
    g.events.publish({ type: "NodeHealthy", node: "b" } as never);
    await g.clock.advance(RESYNC_MS + 5000);
    expect(g.files.writes).toHaveLength(1);
    expect(g.exec.runs).toHaveLength(1);
    expect(g.set.list()[0]?.renders).toBeGreaterThanOrEqual(3);
    await g.set.stop();
  });

  test("the command runs once, debounce after the last of several changes", async () => {
    const g = setup([generatorConfig({ debounceMs: 2000 })]);
    await g.clock.advance(1000); // first write at 0; quiet period ends at 2000
    g.joined("c", "10.0.0.3"); // written at 1200: the quiet period starts again
    await g.clock.advance(1000);
    g.joined("d", "10.0.0.4"); // written at 2200
    await g.clock.advance(2000 + RENDER_SETTLE_MS - 1);
    expect(g.exec.runs).toHaveLength(0);
    await g.clock.advance(1);
    expect(g.exec.runs).toHaveLength(1);
    expect(g.files.writes).toHaveLength(3);
    const run = g.exec.runs[0];
    expect(run?.argv).toEqual(["/bin/sh", "-c", "reload-lb"]);
    expect(run?.options.env).toEqual({ PATH: expect.any(String), SATELLITE_GENERATOR: "lb", SATELLITE_TARGET: "/etc/lb/backends.cfg" });
    expect(run?.options.cwd).toBe("/etc/lb");
    expect(g.set.list()[0]).toMatchObject({ commandRuns: 1, commandPending: false, lastCommand: { ok: true, exitCode: 0 } });
    await g.set.stop();
  });

  test("a failing command is logged with its exit code and the generator, and shown on readiness and the list", async () => {
    const g = setup([generatorConfig({ debounceMs: 0 })]);
    g.exec.next = { exitCode: 3, stderr: "config check failed\n" };
    await g.clock.advance(10);
    const line = g.logger.lines.find((l) => l.includes("generator command failed"));
    expect(line).toContain("generator=lb");
    expect(line).toContain("exitCode=3");
    expect(line).toContain("config check failed");
    expect(g.set.list()[0]?.lastCommand).toMatchObject({ ok: false, exitCode: 3, error: "exited with 3" });
    expect(g.set.readiness()).toEqual([{ name: "generator lb", ok: true, message: 'command "reload-lb" exited with 3' }]);
    await g.set.stop();
  });

  test("a template error names the generator, the template and the line; the target keeps its content", async () => {
    const g = setup([generatorConfig({ templateSource: "ok\n{{ members[0].name }}\n{{ nothing.at.all() }}\n" })], { files: { "/etc/lb/backends.cfg": "old\n" } });
    await g.clock.advance(10);
    expect(g.files.files["/etc/lb/backends.cfg"]).toBe("old\n");
    const error = g.set.list()[0]?.lastError ?? "";
    expect(error).toContain('generator "lb"');
    expect(error).toContain("/etc/satellite/templates/lb.njk, line 3");
    expect(g.exec.runs).toHaveLength(0);
    await g.set.stop();
  });

  test("key-value data under the prefixes; a change under them renders again", async () => {
    const kv = memoryKv({ "haproxy/maxconn": "500", "other/x": "1" });
    const source = '{{ kv_get("haproxy/maxconn") }}{% for e in kv("haproxy/") %} {{ e.key }}={{ e.value }}{% endfor %}\n';
    const g = setup([generatorConfig({ templateSource: source, kvPrefixes: ["haproxy/"] })], { kv });
    await g.clock.advance(10);
    expect(g.files.files["/etc/lb/backends.cfg"]).toBe("500 haproxy/maxconn=500\n");
    kv.set("other/y", "2"); // outside every prefix: nothing to do
    kv.set("haproxy/timeout", "5s");
    await g.clock.advance(RENDER_SETTLE_MS);
    expect(g.files.files["/etc/lb/backends.cfg"]).toBe("500 haproxy/maxconn=500 haproxy/timeout=5s\n");
    await g.set.stop();
  });

  test("a key outside the prefixes is an error that says to add it", async () => {
    const g = setup([generatorConfig({ templateSource: '{{ kv_get("secret/x") }}', kvPrefixes: ["haproxy/"] })], { kv: memoryKv() });
    await g.clock.advance(10);
    expect(g.set.list()[0]?.lastError).toContain('"secret/x" is outside the generator\'s kvPrefixes ("haproxy/"); add its prefix to kvPrefixes');
    await g.set.stop();
  });

  test("includes come from the template's directory only", async () => {
    const inside = setup([generatorConfig({ templateSource: '{% include "part.njk" %}' })], { files: { "/etc/satellite/templates/part.njk": "part\n" } });
    await inside.clock.advance(10);
    expect(inside.files.files["/etc/lb/backends.cfg"]).toBe("part\n");
    await inside.set.stop();
    const outside = setup([generatorConfig({ templateSource: '{% include "../../passwd" %}' })], { files: { "/etc/passwd": "root:x:0:0\n" } });
    await outside.clock.advance(10);
    expect(outside.files.files["/etc/lb/backends.cfg"]).toBeUndefined();
    expect(outside.set.list()[0]?.lastError).toContain("outside the template directory /etc/satellite/templates");
    await outside.set.stop();
  });

  test("a dry run renders without writing and says whether the file would change", async () => {
    const g = setup([generatorConfig({ command: undefined })]);
    await g.clock.advance(10);
    expect(await g.set.render("lb", { dryRun: true })).toEqual({ generator: "lb", target: "/etc/lb/backends.cfg", ok: true, result: "unchanged", content: "a 10.0.0.1\nb 10.0.0.2\n" });
    g.cluster.facts = [member("z", "10.0.0.9")];
    expect(await g.set.render("lb", { dryRun: true })).toMatchObject({ ok: true, result: "would-write", content: "z 10.0.0.9\n" });
    expect(g.files.writes).toHaveLength(1);
    expect(await g.set.render("lb", { dryRun: false })).toMatchObject({ ok: true, result: "written" });
    expect(await g.set.render("nope", { dryRun: true })).toBeUndefined();
    await g.set.stop();
  });

  test("a target the write would refuse: the error says what to do, and a dry run says it would not write", async () => {
    const g = setup([generatorConfig({ command: undefined })]);
    g.files.refused["/etc/lb/backends.cfg"] = { message: "target /etc/lb/backends.cfg is a symbolic link", hint: "remove the link" };
    await g.clock.advance(10);
    expect(g.set.list()[0]?.lastError).toBe('generator "lb" cannot write /etc/lb/backends.cfg: target /etc/lb/backends.cfg is a symbolic link (remove the link)');
    expect(await g.set.render("lb", { dryRun: true })).toEqual({
      generator: "lb",
      target: "/etc/lb/backends.cfg",
      ok: false,
      error: 'generator "lb" would not write /etc/lb/backends.cfg: target /etc/lb/backends.cfg is a symbolic link (remove the link)',
    });
    await g.set.stop();
  });

  test("range() is bounded, so a template cannot loop for ever", async () => {
    const g = setup([generatorConfig({ templateSource: "{% for i in range(1000000000) %}x{% endfor %}" })]);
    await g.clock.advance(10);
    expect(g.set.list()[0]?.lastError).toContain("range() of 1000000000 numbers is over the limit");
    await g.set.stop();
  });
});
