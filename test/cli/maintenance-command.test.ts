import { describe, expect, test } from "bun:test";
import { MAINTENANCE_WINDOW, makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

describe("satellite maintenance", () => {
  test("start mutes a node (positional or --node) or a check, for the duration given", async () => {
    const { app, state } = makeApp();
    const c = cliFixture({ app });
    expect(await c.run("maintenance", "start", "n3", "--for", "1h", "--reason", "kernel upgrade")).toBe(0);
    expect(c.out.at(-1)).toBe("started 0123456789abcdef: node n3 until 2026-11-22T13:00:00Z (kernel upgrade)");
    expect(await c.run("maintenance", "start", "--node", "n3", "--check", "docker", "--for", "30m")).toBe(0);
    expect(c.out.at(-1)).toStartWith("started 0123456789abcdef: check docker on n3 until");
    expect(await c.run("maintenance", "start", "--check", "ntp", "--for", "2h", "-o", "json")).toBe(0);
    expect(JSON.parse(c.out.at(-1) ?? "")).toMatchObject({ id: MAINTENANCE_WINDOW.id, check: "ntp" });
    expect(state.maintenance).toEqual(["start n3  3600000", "start n3 docker 1800000", "start  ntp 7200000"]);
  });

  test("start without a target or a duration, or with a bad one, is a usage error that says what to write", async () => {
    const { app, state } = makeApp();
    const c = cliFixture({ app });
    expect(await c.run("maintenance", "start", "--for", "1h")).toBe(2);
    expect(c.err.at(-1)).toContain("name a node or a check");
    expect(await c.run("maintenance", "start", "n3")).toBe(2);
    expect(c.err.at(-1)).toContain("--for");
    expect(await c.run("maintenance", "start", "n3", "--node", "n4", "--for", "1h")).toBe(2);
    expect(c.err.at(-1)).toContain("named twice");
    expect(await c.run("maintenance", "start", "n3", "--for", "9d")).toBe(2);
    expect(c.err.at(-1)).toContain('--for "9d" is too long: a window lasts from 1s to 7d (a longer mute is a decommission');
    expect(await c.run("maintenance", "start", "n3", "--for", "soon")).toBe(2);
    expect(c.err.at(-1)).toContain('--for "soon" is not a duration');
    // A bare number would be milliseconds to the duration parser: an hour meant as 3600 is refused.
    expect(await c.run("maintenance", "start", "n3", "--for", "3600")).toBe(2);
    expect(c.err.at(-1)).toContain('--for "3600" has no unit');
    expect(c.err.at(-1)).not.toContain("decommission");
    expect(await c.run("maintenance", "start", "n3", "--for", "1h", "--reason", "x".repeat(161))).toBe(2);
    expect(c.err.at(-1)).toContain("--reason has 161 characters: it must be text of at most 160 characters");
    expect(await c.run("maintenance", "start", "n3", "--for", "1h", "--reason", "two\nlines")).toBe(2);
    expect(c.err.at(-1)).toContain("--reason has a control character");
    expect(state.maintenance).toEqual([]);
    // The agent's own refusal (an unknown member) fails with its reason.
    expect(await c.run("maintenance", "start", "n9", "--for", "1h")).toBe(1);
    expect(c.err.at(-1)).toContain('no member named "n9"');
  });

  test("end takes an id, a node or a check; nothing matching exits 1", async () => {
    const { app, state } = makeApp();
    const c = cliFixture({ app });
    expect(await c.run("maintenance", "end", MAINTENANCE_WINDOW.id)).toBe(0);
    expect(c.out.at(-1)).toBe("ended 0123456789abcdef: node n3 until 2026-11-22T13:00:00Z (reboot)");
    expect(await c.run("maintenance", "end", "n3")).toBe(0);
    expect(await c.run("maintenance", "end", "--check", "ntp")).toBe(1);
    expect(c.err.at(-1)).toContain("nothing ended");
    expect(await c.run("maintenance", "end")).toBe(2);
    expect(state.maintenance).toEqual([`end ${MAINTENANCE_WINDOW.id}  `, "end  n3 ", "end   ntp"]);
  });

  test("start warns, after starting it, when no node reports the check: a misspelt name would mute nothing", async () => {
    const { app, state } = makeApp();
    state.cluster = {
      ...state.cluster,
      status: "degraded",
      nodes: [
        { name: "n1", status: "running", probes: [{ checker: "docker", status: "running" }] },
        { name: "n3", status: "degraded", probes: [{ checker: "ntp", status: "failed" }] },
      ],
    } as typeof state.cluster;
    const c = cliFixture({ app });
    expect(await c.run("maintenance", "start", "--check", "dokcer", "--for", "1h")).toBe(0);
    expect(c.err).toEqual(['warning: no node reports a check named "dokcer" now, so the window mutes nothing yet (`satellite status` lists the probes)']);
    expect(await c.run("maintenance", "start", "--check", "docker", "--node", "n3", "--for", "1h")).toBe(0);
    expect(c.err.at(-1)).toStartWith('warning: no probe of n3 reports a check named "docker"');
    expect(c.err).toHaveLength(2);
    expect(await c.run("maintenance", "start", "--check", "docker", "--for", "1h")).toBe(0);
    expect(await c.run("maintenance", "start", "--check", "ntp", "--node", "n3", "--for", "1h")).toBe(0);
    expect(c.err).toHaveLength(2);
    expect(state.maintenance).toHaveLength(4);
  });

  test("end's help says what --node and --check end, not what they mute", async () => {
    const c = cliFixture();
    expect(await c.run("maintenance", "end", "--help")).toBe(0);
    const help = c.out.join("\n");
    expect(help).toContain("End the windows of this check");
    expect(help).not.toContain("A check to mute");
  });

  test("list prints a table, or JSON", async () => {
    const { app } = makeApp();
    const c = cliFixture({ app });
    expect(await c.run("maintenance", "list")).toBe(0);
    expect(c.out.at(-1)?.split("\n")).toEqual([
      expect.stringMatching(/^ID +NODE +CHECK +UNTIL \(UTC\) +REASON$/),
      expect.stringMatching(/^0123456789abcdef +n3 +- +2026-11-22T13:00:00 +reboot$/),
    ]);
    expect(await c.run("maintenance", "list", "--json")).toBe(0);
    expect(JSON.parse(c.out.at(-1) ?? "")).toEqual([MAINTENANCE_WINDOW]);
    const empty = cliFixture({ app: makeApp({ maintenance: { list: () => [], start: () => ({ ok: false, status: 503, error: "x" }), end: () => [] } }).app });
    expect(await empty.run("maintenance", "list")).toBe(0);
    expect(empty.out.at(-1)).toBe("no maintenance windows");
  });
});
