import { expect, test } from "bun:test";
import { ROOT_COMMANDS, rootSummary } from "../../src/cli/root-command.ts";
import { metaOf } from "../../src/cli/help-text.ts";
import { cliFixture } from "./cli-fixture.ts";

test("the root's table says of each command what the command says of itself, under its own name", async () => {
  for (const [name, entry] of Object.entries(ROOT_COMMANDS)) {
    const meta = metaOf(await entry.load());
    expect({ name, description: entry.description }).toEqual({ name: meta.name ?? "", description: meta.description ?? "" });
  }
});

test("root help lists every command of the table, in its order", async () => {
  const c = cliFixture();
  expect(await c.run("--help")).toBe(0);
  const listed = c.out.join("\n").split("Commands:\n")[1]?.split("\n").map((line) => /^ {2}(\S+)/.exec(line)?.[1]).filter((name) => name !== undefined);
  expect(listed).toEqual(Object.keys(ROOT_COMMANDS));
  expect(Object.keys(rootSummary.subCommands ?? {})).toEqual(Object.keys(ROOT_COMMANDS));
});

test("a word that names no command is unknown, also one an object has by inheritance", async () => {
  for (const word of ["frob", "constructor", "toString", "__proto__"]) {
    const c = cliFixture();
    expect(await c.run(word)).toBe(2);
    expect(c.err).toEqual([`satellite: unknown command "${word}"; run \`satellite --help\` for the commands`]);
  }
  const c = cliFixture();
  expect(await c.run("config", "constructor")).toBe(2);
  expect(c.err).toEqual(['satellite config: unknown command "constructor"; run `satellite config --help` for the commands']);
});
