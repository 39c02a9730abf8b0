import { defineCommand, type ArgsDef } from "citty";
import { startAgent } from "../../agent/agent.ts";
import { systemCheckerDeps } from "../../checkers/deps.ts";
import { createCheckerKindCatalog } from "../../checkers/kind-catalog.ts";
import { AGENT_FLAGS, envNameOf } from "../../config/agent-flags.ts";
import { loadAgentConfigLoadingKinds } from "../../config/load.ts";
import type { FlagValue } from "../../config/sources.ts";
import { reloadAgentConfig } from "../agent-reload.ts";
import { depsOf } from "../command-context.ts";

/** Bound on a graceful stop; past it the process exits anyway (systemd would kill it next). */
const STOP_TIMEOUT_MS = 5000;

const agentArgs: ArgsDef = Object.fromEntries(
  AGENT_FLAGS.map((f) => [
    f.flag,
    { type: f.kind === "boolean" ? "boolean" : "string", description: `${f.description} [${envNameOf(f)}]`, valueHint: f.valueHint },
  ]),
);

export const agentCommand = defineCommand({
  meta: { name: "agent", description: "Run the agent on this node: probes, gossip, history and the HTTP API" },
  args: agentArgs,
  async run(context) {
    const deps = depsOf(context);
    const typed: Record<string, FlagValue> = {};
    for (const flag of AGENT_FLAGS) {
      const value = (context.args as Record<string, unknown>)[flag.flag];
      if (flag.kind === "repeated") {
        // citty keeps only the last value of a flag given twice: collect every one.
        const values = repeatedFlagValues(context.rawArgs, flag.flag);
        if (values.length > 0) typed[flag.flag] = values;
      } else if (typeof value === "string" || typeof value === "boolean") typed[flag.flag] = value;
    }
    const cwd = deps.cwd();
    // Only the kinds the checks name are loaded (each kind's code is a chunk of its own).
    const kinds = createCheckerKindCatalog(systemCheckerDeps);
    const load = () => loadAgentConfigLoadingKinds({ flags: typed, env: deps.env, readFile: deps.readFile, hostname: deps.hostname, cwd }, kinds);
    const config = await load();
    // --debug is the old spelling of --log-level debug.
    const platform = await deps.agentPlatform({ level: config.debug ? "debug" : config.logLevel, format: config.logFormat });
    const agent = await startAgent(config, platform, kinds);
    const stopReloading = deps.onReloadSignal?.(() => void reloadAgentConfig(agent, load, platform.logger));
    const reason = await Promise.race([deps.waitForStopSignal(), agent.left.then(() => "left")]);
    stopReloading?.();
    // SIGINT (Ctrl-C) leaves the cluster gracefully, like serf; SIGTERM (systemctl stop)
    // stops without leaving, so peers see the node fail: a stopped health agent is news.
    const leave = reason === "SIGINT";
    platform.logger.info("stopping", { reason, leave });
    const stopped = await Promise.race([
      agent.stop({ leave }).then(() => true),
      new Promise<boolean>((resolve) => platform.clock.setTimer(STOP_TIMEOUT_MS + (leave ? 5000 : 0), () => resolve(false))),
    ]);
    if (!stopped) {
      platform.logger.error(`agent did not stop within ${STOP_TIMEOUT_MS}ms; exiting anyway`);
      return 1;
    }
    return 0;
  },
});

/** Every value of `--name VALUE` and `--name=VALUE` in `rawArgs`, in order (up to a `--`). */
export function repeatedFlagValues(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") break;
    if (arg === `--${name}`) {
      const next = rawArgs[i + 1];
      if (next !== undefined) values.push(next);
      i++;
    } else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
  }
  return values;
}
