import { currentCheckName } from "../checkers/built-in-names.ts";
import { defaultChecks, type SkippedCheck } from "../checkers/defaults.ts";
import { parseHostPort } from "../config/addresses.ts";
import { validateChecks, type ValidatedCheck } from "../config/check-validation.ts";
import { ConfigError } from "../config/config-error.ts";
import type { AgentConfig } from "../config/load.ts";
import { API_PORT_DEFAULT, CHECK_ENTRY_DEFAULTS } from "../config/schema.ts";
import { thresholdsForRole } from "../config/thresholds-schema.ts";
import type { HostProbe } from "../platform/host-probe.ts";
import type { Logger } from "../platform/logger.ts";
import type { CheckerEnvironment, CheckerKind, CheckerSettings } from "../probes/checker.ts";
import type { TrackedCheck } from "../probes/node-health.ts";
import type { ScheduledCheck } from "../probes/scheduler.ts";
import type { ScopeVerdict } from "./tag-scope.ts";

export interface CheckPlan {
  scheduled: ScheduledCheck[];
  tracked: TrackedCheck[];
  /** Built-in checks not enabled on this host, with the reason (`satellite checks` shows them). */
  skipped: SkippedCheck[];
  /** Each check's definition as text (its entry and the settings it is built with): equal text, same check. */
  fingerprints: Map<string, string>;
}

/** The configuration keys checkers may read; everything else (tokens, keys, credentials) stays out of their reach. */
export type CheckerSettingsSource = Pick<
  AgentConfig,
  "name" | "stateDir" | "rpcAddr" | "kubeconfig" | "kubeletAddr" | "dockerAddr" | "etcdServers" | "etcdCafile" | "etcdCertfile" | "etcdKeyfile" | "thresholds" | "tags"
>;

/**
 * The settings slice every checker gets, from a configuration whose defaults the schema already
 * applied. Copies field by field (never spreads the configuration), so a key added to the config
 * reaches checkers only when it is added here. Empty paths count as unset.
 */
export function checkerSettingsOf(config: CheckerSettingsSource): CheckerSettings {
  return Object.freeze({
    nodeName: config.name,
    stateDir: config.stateDir,
    apiPorts: Object.freeze([...new Set(config.rpcAddr.flatMap((text) => portOf(text)))]),
    kubeconfig: nonEmpty(config.kubeconfig),
    kubeletAddr: config.kubeletAddr,
    dockerAddr: config.dockerAddr,
    etcdServers: Object.freeze([...config.etcdServers]),
    etcdCafile: nonEmpty(config.etcdCafile),
    etcdCertfile: nonEmpty(config.etcdCertfile),
    etcdKeyfile: nonEmpty(config.etcdKeyfile),
    thresholds: Object.freeze(thresholdsForRole(config.thresholds, config.tags.role)),
  });
}

function portOf(rpcAddr: string): number[] {
  const parsed = parseHostPort(rpcAddr, API_PORT_DEFAULT);
  return typeof parsed === "string" ? [] : [parsed.port];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/**
 * The checks this agent runs: the built-in set for its role (unless `defaultChecks: false`),
 * where a configured check with the same name (or the built-in's former name, built-in-names.ts)
 * replaces the built-in one, then the configured ones.
 */
export async function planChecks(
  config: AgentConfig,
  kinds: { find: (kind: string) => CheckerKind<any> | undefined; names: readonly string[]; load?: (kinds: readonly string[]) => Promise<void> },
  hostProbe: HostProbe,
  logger: Logger,
  peers?: CheckerEnvironment["peers"],
  scope: (applyOn: string | undefined) => Promise<ScopeVerdict> = async () => ({ applies: true }),
  collectors?: CheckerEnvironment["collectors"],
): Promise<CheckPlan> {
  const settings = checkerSettingsOf(config);
  // Configured checks whose applyOn does not hold here are left out first: a built-in they would replace stays.
  const configured: ValidatedCheck[] = [];
  const scopedOut: SkippedCheck[] = [];
  for (const check of config.checks) {
    const verdict = await scope(check.spec.applyOn);
    if (verdict.applies) configured.push(check);
    else scopedOut.push({ name: check.spec.name, kind: check.spec.kind, reason: verdict.reason });
  }
  // A configured check replaces the built-in of its name, also when it uses a former built-in name.
  const configuredNames = new Set(configured.map((c) => currentCheckName(c.spec.name)));
  let builtIn: ValidatedCheck[] = [];
  let skipped: SkippedCheck[] = [];
  if (config.defaultChecks) {
    const role = config.tags.role === "node" ? "node" : "master";
    const defaults = await defaultChecks({ role, settings, probeHost: hostProbe });
    skipped = defaults.skipped;
    const wanted = defaults.checks.filter((c) => !configuredNames.has(c.name));
    await kinds.load?.(wanted.map((c) => c.kind));
    const validated = validateChecks(wanted, kinds.find, kinds.names, "built-in checks", "defaultChecks");
    if (validated.problems.length > 0) throw new ConfigError(validated.problems);
    builtIn = validated.checks;
  }
  const env: CheckerEnvironment = { settings, logger, peers, ...(collectors ? { collectors } : {}) };
  skipped = [...skipped, ...scopedOut];
  const all = [...builtIn, ...configured];
  const scheduled: ScheduledCheck[] = [];
  const tracked: TrackedCheck[] = [];
  const fingerprints = new Map<string, string>();
  const settingsText = JSON.stringify(settings);
  for (const { spec, kind, options } of all) {
    fingerprints.set(spec.name, `${JSON.stringify(spec)}|${settingsText}`);
    const intervalMs = spec.intervalMs ?? CHECK_ENTRY_DEFAULTS.intervalMs;
    const timeoutMs = Math.min(spec.timeoutMs ?? CHECK_ENTRY_DEFAULTS.timeoutMs, intervalMs);
    scheduled.push({ name: spec.name, intervalMs, timeoutMs, run: kind.create(options, env) });
    tracked.push({
      name: spec.name,
      kind: spec.kind,
      intervalMs,
      timeoutMs,
      severity: spec.severity ?? CHECK_ENTRY_DEFAULTS.severity,
      failuresBeforeCritical: spec.failuresBeforeCritical ?? CHECK_ENTRY_DEFAULTS.failuresBeforeCritical,
      successesBeforePassing: spec.successesBeforePassing ?? CHECK_ENTRY_DEFAULTS.successesBeforePassing,
    });
  }
  warnUnreadThresholds(config.thresholds, all, logger);
  return { scheduled, tracked, skipped, fingerprints };
}

/**
 * The agent's `thresholds` override the checks' own by name: one that no check here declares
 * changes nothing, which is what a misspelt name does, so it is said once per (re)load.
 */
function warnUnreadThresholds(agentThresholds: Readonly<Record<string, unknown>>, checks: readonly ValidatedCheck[], logger: Logger): void {
  const declared = new Set<string>();
  for (const { options } of checks) {
    const own = (options as { thresholds?: unknown }).thresholds;
    if (typeof own === "object" && own !== null) for (const name of Object.keys(own)) declared.add(name);
  }
  const unread = Object.keys(agentThresholds).filter((name) => !declared.has(name));
  if (unread.length === 0) return;
  logger.warn("thresholds that no check on this node declares change nothing: check their names", {
    thresholds: unread.join(","),
    declared: [...declared].sort().join(",") || "none",
  });
}
