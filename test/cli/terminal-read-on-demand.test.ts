import { expect, test } from "bun:test";
import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { createProcessCliDeps } from "../../src/cli/process-cli-deps.ts";
import { runCli } from "../../src/cli/run-cli.ts";

/**
 * Whether stdout is a terminal is read only by a command that asks: the process's answer comes
 * from process.stdout, whose creation evaluates Node's stream modules (about 10 ms of CPU), and
 * the agent, which never asks, must not pay for it before its join.
 */
test("the process's isTerminal is read on demand", () => {
  const descriptor = Object.getOwnPropertyDescriptor(createProcessCliDeps(), "isTerminal");
  expect(typeof descriptor?.get).toBe("function");
});

test("runCli passes isTerminal on without reading it", async () => {
  let reads = 0;
  const err: string[] = [];
  const deps = {
    out: () => {},
    err: (text: string) => err.push(text),
    writeOut: () => {},
    env: {},
    fetch: globalThis.fetch,
    readFile: () => "",
    hostname: () => "host-1",
    cwd: () => "/",
    get isTerminal() {
      reads++;
      return false;
    },
    agentPlatform: () => Promise.reject(new Error("not here")),
    waitForStopSignal: () => new Promise<never>(() => {}),
  } as unknown as CliDeps;
  expect(await runCli(["no-such-command"], deps)).toBe(2);
  expect(err.join("\n")).toContain('unknown command "no-such-command"');
  expect(reads).toBe(0);
});
