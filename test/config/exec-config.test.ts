import { describe, expect, test } from "bun:test";
import { configProblems as problemsOf, loadConfigInMemory } from "../support/in-memory-config.ts";

function load(file: Record<string, unknown>) {
  const path = "/etc/satellite/satellite.json";
  return loadConfigInMemory({ flags: { config: path }, files: { [path]: JSON.stringify(file) }, cwd: "/srv" });
}

describe("exec in the config", () => {
  test("off by default, with an empty allowlist", () => {
    expect(load({}).exec).toEqual({ enabled: false, allow: [], timeout: "10s", outputBytesMax: 4096 });
  });

  test("enabled with an allowlist", () => {
    expect(load({ exec: { enabled: true, allow: ["uptime", "systemctl status *"], timeout: "30s" } }).exec).toEqual({ enabled: true, allow: ["uptime", "systemctl status *"], timeout: "30s", outputBytesMax: 4096 });
  });

  test("a pattern with * in the program, a timeout out of range and an unknown key are refused by name", () => {
    const problems = problemsOf(() => load({ exec: { enabled: true, allow: ["uptime", "* -rf /"], timeout: "1h", shell: true } }));
    expect(problems.join("\n")).toContain('key exec.allow[1]: the program "*" must be written out: "*" is allowed in its arguments only');
    expect(problems.join("\n")).toContain("key exec.timeout: expected a timeout from 100ms to 10m, e.g. 10s");
    expect(problems.join("\n")).toContain('"shell"');
  });
});
