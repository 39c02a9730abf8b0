import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkerSettingsOf } from "../../src/agent/check-setup.ts";
import { agentConfigSchema } from "../../src/config/schema.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import type { CheckContext, CheckerEnvironment, CheckerKind, CheckerSettings } from "../../src/probes/checker.ts";
import type { CheckOutcome } from "../../src/probes/check-outcome.ts";

/** The slice an agent with only default settings would give its checkers (defaults from the config schema), node node-1. */
export function testSettings(stateDir: string, overrides: Partial<CheckerSettings> = {}): CheckerSettings {
  return { ...checkerSettingsOf({ ...agentConfigSchema().parse({}), name: "node-1", stateDir }), ...overrides };
}

export function testEnv(stateDir: string, settings: Partial<CheckerSettings> = {}, peers?: CheckerEnvironment["peers"]): CheckerEnvironment {
  return { settings: testSettings(stateDir, settings), logger: silentLogger, peers };
}

export function testContext(signal: AbortSignal = new AbortController().signal): CheckContext {
  return { signal, clock: systemClock, logger: silentLogger };
}

/** Parses `options` with the kind's schema (as the config loader does) and runs one check. */
export async function runOnce(
  kind: CheckerKind<any>,
  options: Record<string, unknown>,
  env: CheckerEnvironment,
  signal?: AbortSignal,
): Promise<CheckOutcome[]> {
  const parsed = kind.options().parse(options);
  return kind.create(parsed, env)(testContext(signal));
}

/** The zod issues of invalid options as "path: message" lines. */
export function optionErrors(kind: CheckerKind<any>, options: Record<string, unknown>): string[] {
  const result = kind.options().safeParse(options);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "satellite-checkers-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A port that nothing listens on: bind an ephemeral port, then close it. */
export async function closedPort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}
