import { defaultChecks, type SkippedCheck } from "../checkers/defaults.ts";
import { validateChecks, type ValidatedCheck } from "../config/check-validation.ts";
import { ConfigError } from "../config/config-error.ts";
import type { AgentConfig } from "../config/load.ts";
import type { HostProbe } from "../platform/host-probe.ts";
import type { Logger } from "../platform/logger.ts";
import type { CheckerEnvironment, CheckerKind } from "../probes/checker.ts";
import type { TrackedCheck } from "../probes/node-health.ts";
import type { ScheduledCheck } from "../probes/scheduler.ts";

/** Used when a check does not say; kunai's interval, and a timeout well inside it. */
export const DEFAULT_CHECK_INTERVAL_MS = 10_000;
export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

export interface CheckPlan {
  scheduled: ScheduledCheck[];
  tracked: TrackedCheck[];
  /** Built-in checks not enabled on this host, with the reason (`satellite checks` shows them). */
  skipped: SkippedCheck[];
}

/**
 * The checks this agent runs: the built-in set for its role (unless `defaultChecks: false`),
 * where a configured check with the same name replaces the built-in one, then the configured ones.
 */
export async function planChecks(
  config: AgentConfig,
  kinds: { find: (kind: string) => CheckerKind<any> | undefined; names: readonly string[] },
  hostProbe: HostProbe,
  logger: Logger,
  peers?: CheckerEnvironment["peers"],
): Promise<CheckPlan> {
  const configuredNames = new Set(config.checks.map((c) => c.spec.name));
  let builtIn: ValidatedCheck[] = [];
  let skipped: SkippedCheck[] = [];
  if (config.defaultChecks) {
    const role = config.tags.role === "node" ? "node" : "master";
    const defaults = await defaultChecks({ role, agent: config as unknown as Record<string, unknown>, stateDir: config.stateDir, probeHost: hostProbe });
    skipped = defaults.skipped;
    const wanted = defaults.checks.filter((c) => !configuredNames.has(c.name));
    const validated = validateChecks(wanted, kinds.find, kinds.names, "built-in checks", "defaultChecks");
    if (validated.problems.length > 0) throw new ConfigError(validated.problems);
    builtIn = validated.checks;
  }
  const env: CheckerEnvironment = {
    nodeName: config.name,
    stateDir: config.stateDir,
    agent: config as unknown as Record<string, unknown>,
    logger,
    peers,
  };
  const all = [...builtIn, ...config.checks];
  const scheduled: ScheduledCheck[] = [];
  const tracked: TrackedCheck[] = [];
  for (const { spec, kind, options } of all) {
    const intervalMs = spec.intervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    const timeoutMs = Math.min(spec.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS, intervalMs);
    scheduled.push({ name: spec.name, intervalMs, timeoutMs, run: kind.create(options, env) });
    tracked.push({
      name: spec.name,
      kind: spec.kind,
      intervalMs,
      timeoutMs,
      severity: spec.severity ?? "critical",
      failuresBeforeCritical: spec.failuresBeforeCritical ?? 1,
      successesBeforePassing: spec.successesBeforePassing ?? 1,
    });
  }
  return { scheduled, tracked, skipped };
}
