import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { loadRootCommand } from "../../src/cli/root-command.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import type { Clock } from "../../src/platform/clock.ts";
import type { makeApp } from "../api/app-fixture.ts";

// Commands load on first use (import()); tests that count event-loop turns after run() starts
// need the modules evaluated before run() is called.
await loadRootCommand();

export interface CliFixtureOptions {
  app?: ReturnType<typeof makeApp>["app"];
  env?: Record<string, string | undefined>;
  isTerminal?: boolean;
  clock?: Clock;
  /** What stdin holds (readStdin); absent: the process cannot read stdin. */
  stdin?: Uint8Array;
  /** Files readFile answers with, by path. */
  files?: Record<string, string>;
}

/**
 * CLI deps whose fetch goes straight into an in-process app (no sockets; no app: connection
 * refused), output captured, SIGINT a function (`interrupt`).
 */
export function cliFixture(options: CliFixtureOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const urls: string[] = [];
  const rawOut: Uint8Array[] = [];
  let interrupt: (signal: string) => void = () => {};
  const deps: CliDeps = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    writeOut: (bytes) => rawOut.push(bytes),
    readStdin: options.stdin === undefined ? undefined : async (bytesMax) => (options.stdin as Uint8Array).slice(0, bytesMax),
    env: options.env ?? {},
    isTerminal: options.isTerminal,
    clock: options.clock,
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      urls.push(url);
      if (!options.app) throw new Error("Unable to connect. Is the computer able to access the url?");
      return options.app.request(url.replace(/^https?:\/\/[^/]+/, ""), init, { remoteAddress: "127.0.0.1" });
    }) as typeof fetch,
    readFile: (path) => {
      const text = options.files?.[path];
      if (text === undefined) throw new Error(`ENOENT: no such file ${path}`);
      return text;
    },
    hostname: () => "h",
    cwd: () => "/work",
    agentPlatform: () => {
      throw new Error("not in this test");
    },
    waitForStopSignal: () => new Promise((resolve) => (interrupt = resolve)),
  };
  return { deps, out, err, urls, rawOut, run: (...args: string[]) => runCli(args, deps), interrupt: () => interrupt("SIGINT") };
}
