import { expect, test } from "bun:test";
import { join } from "node:path";

/**
 * Packages only some configurations use must not load when the executable starts: their module
 * code costs every agent memory and start-up CPU (docs/performance.md). Each is reached through
 * import() or lazyPackage (src/platform/lazy-package.ts) from the code that needs it.
 */
const LOADED_ON_FIRST_USE = ["nunjucks", "re2js", "nodemailer", "liquidjs", "@kubernetes/client-node", "dns-packet", "yaml"];

test("the executable's modules load no package that only some configurations use", () => {
  const root = join(import.meta.dir, "../..");
  // What `satellite agent` imports (src/main.ts and the command it loads), in a fresh process: this
  // test runner has loaded other packages already.
  const script = `
    await import(${JSON.stringify(join(root, "src/cli/run-cli.ts"))});
    await import(${JSON.stringify(join(root, "src/cli/process-cli-deps.ts"))});
    await import(${JSON.stringify(join(root, "src/cli/process-platform.ts"))});
    await import(${JSON.stringify(join(root, "src/cli/commands/agent.ts"))});
    const names = new Set(Object.keys(require.cache).filter((k) => k.includes("/node_modules/")).map((k) => k.replace(/.*\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\/.*/, "$1")));
    console.log(JSON.stringify([...names].sort()));`;
  const result = Bun.spawnSync([process.execPath, "-e", script], { cwd: root, stdout: "pipe", stderr: "pipe" });
  expect(result.stderr.toString()).toBe("");
  const loaded = JSON.parse(result.stdout.toString()) as string[];
  expect(loaded).toContain("zod");
  expect(loaded.filter((name) => LOADED_ON_FIRST_USE.includes(name))).toEqual([]);
});
