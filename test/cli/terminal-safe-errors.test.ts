import { describe, expect, test } from "bun:test";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

const ESC = "\u001b";

describe("error messages are terminal-safe", () => {
  test("an argument with an escape sequence is quoted escaped, in usage errors and in the agent's refusals", async () => {
    const c = cliFixture({ app: makeApp().app });
    expect(await c.run(`${ESC}[2Jclear`)).toBe(2);
    expect(await c.run("maintenance", `${ESC}]0;title${ESC}\\`)).toBe(2);
    expect(await c.run("status", `--${ESC}[31m`)).toBe(2);
    expect(await c.run("generate", `g${ESC}[2J`)).not.toBe(0);
    expect(await c.run("kv", "get", `k${ESC}[2J`)).not.toBe(0);
    expect(c.err).toHaveLength(5);
    for (const line of c.err) {
      expect(line).not.toContain(ESC);
      expect(line).toContain("\\u001b");
    }
  });

  test("a message keeps its lines: the hint after the new line stays on its own line", async () => {
    const c = cliFixture();
    expect(await c.run("status")).toBe(2);
    const [message, hint] = (c.err.at(-1) ?? "").split("\n");
    expect(message).toContain("cannot reach the agent");
    expect(hint).toContain("--addr");
  });
});
