import { describe, expect, test } from "bun:test";
import type { ForceLeaveOutcome, MembershipSource } from "../../src/api/api-deps.ts";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

/** An agent whose members are n1 (itself), n2 (failed) and n3 (alive); it records every force-leave. */
function agentWithMembers() {
  const calls: string[] = [];
  const membership: MembershipSource = {
    list: () => [],
    join: async () => 0,
    leave: async () => {},
    forceLeave: async (node, prune): Promise<ForceLeaveOutcome> => {
      calls.push(`${node} prune=${prune}`);
      if (node === "n1") return { outcome: "self" };
      if (node === "n2") return { outcome: "done", member: prune ? undefined : { name: "n2", addr: "10.0.0.2:7946", status: "left", tags: {} } };
      if (node === "n3") return { outcome: "done", member: { name: "n3", addr: "10.0.0.3:7946", status: "alive", tags: {} } };
      return { outcome: "unknown" };
    },
  };
  return { app: makeApp({ membership }).app, calls };
}

describe("satellite force-leave", () => {
  test("forces a failed member out, with --prune forgets it, and says what happened", async () => {
    const { app, calls } = agentWithMembers();
    const c = cliFixture({ app });
    expect(await c.run("force-leave", "n2")).toBe(0);
    expect(c.out.at(-1)).toBe("n2 is now left; it is forgotten after the tombstone timeout (or now with --prune)");
    expect(await c.run("force-leave", "--prune", "n2")).toBe(0);
    expect(c.out.at(-1)).toBe("n2 was forced out and forgotten");
    expect(await c.run("force-leave", "n3", "-o", "json")).toBe(0);
    expect(JSON.parse(c.out.at(-1) ?? "")).toEqual({ node: "n3", prune: false, status: "alive" });
    expect(calls).toEqual(["n2 prune=false", "n2 prune=true", "n3 prune=false"]);
    expect(c.urls.every((u) => u.endsWith("/force-leave"))).toBe(true);
  });

  test("an unknown member or the agent itself fails with the agent's reason; no name or two names is a usage error", async () => {
    const { app, calls } = agentWithMembers();
    const c = cliFixture({ app });
    expect(await c.run("force-leave", "ghost")).toBe(1);
    expect(c.err.at(-1)).toContain('no member named "ghost"');
    expect(await c.run("force-leave", "n1")).toBe(1);
    expect(c.err.at(-1)).toContain("satellite leave");
    expect(await c.run("force-leave")).toBe(2);
    expect(await c.run("force-leave", "n2", "n3")).toBe(2);
    expect(c.err.at(-1)).toContain("satellite force-leave [--prune] NODE");
    expect(calls).toEqual(["ghost prune=false", "n1 prune=false"]);
  });
});
