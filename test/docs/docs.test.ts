import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AGENT_FLAGS, envNameOf } from "../../src/config/agent-flags.ts";

const root = join(import.meta.dir, "../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

test("docs/configuration.md documents every agent flag, its variable and its key", () => {
  const doc = read("docs/configuration.md");
  for (const flag of AGENT_FLAGS) {
    expect(doc).toContain(`\`--${flag.flag}\``);
    expect(doc).toContain(`\`${envNameOf(flag)}\``);
    expect(doc).toContain(`\`${flag.key}\``);
  }
});

test("the README shows the two commands", () => {
  const readme = read("README.md");
  expect(readme).toContain("npm install && npm start");
  expect(readme).toContain("npm test");
});
