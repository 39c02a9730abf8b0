import type { AgentConfig } from "../config/load.ts";
import type { NodeHealth } from "../probes/node-health.ts";
import type { Scheduler } from "../probes/scheduler.ts";
import type { CheckPlan } from "./check-setup.ts";

/**
 * Keys a reload (SIGHUP) applies to the running agent: the checks and what they are built
 * from, and the event handlers. Every other key (addresses, gossip, tags, history, notifiers,
 * TLS, tokens) is read at start only: a change to it is named in the log as waiting for a restart.
 */
export const RELOADABLE_KEYS = ["checks", "defaultChecks", "thresholds", "eventHandlers", "eventHandlerTimeout", "eventHandlerTimeoutMs", "kubeletAddr", "dockerAddr", "etcdServers", "etcdCafile", "etcdCertfile", "etcdKeyfile"] as const;

const RELOADABLE = new Set<string>(RELOADABLE_KEYS);

/** What a reload changed. */
export interface ReloadResult {
  checks: ChecksDiff;
  eventHandlers: boolean;
  /** Keys whose new value takes effect only after a restart. */
  restartNeeded: string[];
}

export interface ChecksDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/**
 * The configuration to run after a reload: `running` with the reloadable keys of `next`. Keys
 * that differ between `loaded` (what the last load produced) and `next` but cannot be
 * reloaded are returned in `restartNeeded`; derived `...Ms` keys are named by their source key.
 */
export function mergeReloadable(running: AgentConfig, loaded: AgentConfig, next: AgentConfig): { config: AgentConfig; restartNeeded: string[] } {
  const config: Record<string, unknown> = { ...running };
  for (const key of RELOADABLE_KEYS) config[key] = next[key];
  const before = loaded as unknown as Record<string, unknown>;
  const after = next as unknown as Record<string, unknown>;
  const restartNeeded = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => !RELOADABLE.has(key) && !(key.endsWith("Ms") && key.slice(0, -2) in after))
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .sort();
  return { config: config as unknown as AgentConfig, restartNeeded };
}

/** Checks by name: new, gone, and those whose definition (entry or settings) changed. */
export function diffChecks(current: CheckPlan, next: CheckPlan): ChecksDiff {
  const added: string[] = [];
  const changed: string[] = [];
  for (const [name, fingerprint] of next.fingerprints) {
    const old = current.fingerprints.get(name);
    if (old === undefined) added.push(name);
    else if (old !== fingerprint) changed.push(name);
  }
  const removed = [...current.fingerprints.keys()].filter((name) => !next.fingerprints.has(name));
  return { added, removed, changed };
}

/**
 * Moves the scheduler and the node's health from `current` to `next` without touching a check
 * that did not change: its schedule, shown probes and flap-damping state stay. A changed check
 * is replaced (its run in progress aborted, its report dropped) and runs again soon.
 */
export function applyCheckPlan(current: CheckPlan, next: CheckPlan, parts: { scheduler: Pick<Scheduler, "add" | "remove">; health: Pick<NodeHealth, "setChecks">; nowMs: number }): ChecksDiff {
  const diff = diffChecks(current, next);
  for (const name of [...diff.removed, ...diff.changed]) parts.scheduler.remove(name);
  parts.health.setChecks(next.tracked, new Set(diff.changed), parts.nowMs);
  const fresh = new Set([...diff.added, ...diff.changed]);
  for (const check of next.scheduled) if (fresh.has(check.name)) parts.scheduler.add(check);
  return diff;
}

export interface ConfigReloaderDeps {
  /** The configuration the agent runs with (after start-up adjustments such as the role from a Node label). */
  running: AgentConfig;
  /** The configuration as the last load produced it: what a new load is compared with. */
  loaded: AgentConfig;
  plan: CheckPlan;
  /** Plans the checks of a configuration; throws (a config error) when they cannot be built. */
  replan: (config: AgentConfig) => Promise<CheckPlan>;
  scheduler: Pick<Scheduler, "add" | "remove">;
  health: Pick<NodeHealth, "setChecks">;
  nowMs: () => number;
  /** Stops the event handlers and starts those of `config`. */
  restartEventHandlers: (config: AgentConfig) => Promise<void>;
}

export interface ConfigReloader {
  /** Applies a newly loaded configuration; rejects, changing nothing, when its checks cannot be planned. */
  reload(next: AgentConfig): Promise<ReloadResult>;
  /** Plans the checks of the configuration in force again (the node's tags changed, so applyOn may decide otherwise). */
  replanCurrent(): Promise<ChecksDiff>;
  /** The checks as last planned. */
  plan(): CheckPlan;
}

/** serf's and Consul's reload on SIGHUP: one reload at a time, gossip, history and the API untouched. */
export function createConfigReloader(deps: ConfigReloaderDeps): ConfigReloader {
  let { running, loaded, plan } = deps;
  let chain: Promise<unknown> = Promise.resolve();
  const reloadOnce = async (next: AgentConfig): Promise<ReloadResult> => {
    const merged = mergeReloadable(running, loaded, next);
    // Planned before anything changes: a check that cannot be built leaves the running set as it is.
    const nextPlan = await deps.replan(merged.config);
    const checks = applyCheckPlan(plan, nextPlan, { scheduler: deps.scheduler, health: deps.health, nowMs: deps.nowMs() });
    const handlersChanged = JSON.stringify([running.eventHandlers, running.eventHandlerTimeoutMs]) !== JSON.stringify([merged.config.eventHandlers, merged.config.eventHandlerTimeoutMs]);
    if (handlersChanged) await deps.restartEventHandlers(merged.config);
    running = merged.config;
    loaded = next;
    plan = nextPlan;
    return { checks, eventHandlers: handlersChanged, restartNeeded: merged.restartNeeded };
  };
  return {
    reload(next) {
      const result = chain.then(() => reloadOnce(next));
      chain = result.catch(() => {});
      return result;
    },
    replanCurrent() {
      const result = chain.then(async () => (await reloadOnce(loaded)).checks);
      chain = result.catch(() => {});
      return result;
    },
    plan: () => plan,
  };
}
