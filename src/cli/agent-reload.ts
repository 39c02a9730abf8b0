import type { RunningAgent } from "../agent/agent.ts";
import { ConfigError, formatProblem } from "../config/config-error.ts";
import type { AgentConfig } from "../config/load.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";

/**
 * One SIGHUP: loads the configuration again (flags, environment and the re-read file) and
 * hands it to the agent. A configuration that does not load, or whose checks cannot be built,
 * is logged problem by problem and the running one stays. Never throws.
 */
export async function reloadAgentConfig(agent: Pick<RunningAgent, "reload">, load: () => AgentConfig | Promise<AgentConfig>, logger: Logger): Promise<boolean> {
  logger.info("reloading the configuration (SIGHUP)");
  let next: AgentConfig;
  try {
    next = await load();
  } catch (error) {
    logRejected(error, logger);
    return false;
  }
  try {
    const result = await agent.reload(next);
    const { added, removed, changed } = result.checks;
    logger.info("configuration reloaded", {
      checksAdded: added.join(",") || undefined,
      checksRemoved: removed.join(",") || undefined,
      checksChanged: changed.join(",") || undefined,
      eventHandlers: result.eventHandlers ? "restarted" : "unchanged",
    });
    if (result.restartNeeded.length > 0) {
      logger.warn("some changed keys take effect only after a restart", { keys: result.restartNeeded.join(","), hint: "restart the agent (systemctl restart satellite) to apply them" });
    }
    return true;
  } catch (error) {
    logRejected(error, logger);
    return false;
  }
}

function logRejected(error: unknown, logger: Logger): void {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) logger.error("configuration not reloaded; the running one stays", { problem: formatProblem(problem) });
  } else {
    logger.error("configuration not reloaded; the running one stays", { error: describeError(error) });
  }
}
