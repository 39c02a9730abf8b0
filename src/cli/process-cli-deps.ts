import { hostname } from "node:os";
import type { CliDeps } from "./cli-deps.ts";
import { readRegularTextFile } from "../platform/regular-file.ts";

/** The real process: stdout/stderr, environment, files, signals. Built once by main. */
export function createProcessCliDeps(): CliDeps {
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    writeOut: (bytes) => void process.stdout.write(bytes),
    readStdin: (bytesMax) => readStdinBounded(bytesMax),
    env: process.env,
    fetch: globalThis.fetch,
    readFile: (path, bytesMax) => readRegularTextFile(path, bytesMax),
    hostname: () => hostname(),
    cwd: () => process.cwd(),
    // Read when a command asks: creating process.stdout evaluates Node's stream modules, about
    // 10 ms of CPU the agent (which never asks) would pay before its join. run-cli keeps it lazy.
    get isTerminal() {
      return process.stdout.isTTY === true;
    },
    agentPlatform: async (log) => {
      const [{ createAgentPlatform }, { startChildReaper }] = await Promise.all([import("./process-platform.ts"), import("../platform/child-reaper.ts")]);
      const platform = createAgentPlatform(log);
      // Here, not in createAgentPlatform: only the agent process may collect orphans (tests build platforms too).
      startChildReaper(platform.logger);
      return platform;
    },
    waitForStopSignal: () =>
      new Promise((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          resolve(signal);
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
      }),
    // A SIGHUP listener also replaces the default action (exit 129, nothing flushed).
    onReloadSignal: (listener) => {
      const onHup = () => listener();
      process.on("SIGHUP", onHup);
      return () => void process.off("SIGHUP", onHup);
    },
  };
}

/** stdin to its end, stopping once more than `bytesMax` bytes came (the caller reports the excess). */
async function readStdinBounded(bytesMax: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > bytesMax) break;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
