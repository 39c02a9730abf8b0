import { loadAgentConfig, type AgentConfig } from "../config/load.ts";
import type { CheckerKind } from "../probes/checker.ts";

export interface AgentConfigInput {
  /**
   * The keys of a config file (docs/configuration.md: name, rpcAddr, gossipAddr, tags, checks,
   * ...), validated exactly as a file is, `checks` against `kinds`.
   */
  values: Record<string, unknown>;
  /** Every checker kind the agent will know: `builtInCheckerKinds` plus your own. */
  kinds: readonly CheckerKind<any>[];
  /** The node name when `values.name` is absent; the host name by default. */
  hostname?: () => string;
  /** Relative paths (stateDir) resolve against it; the process's cwd by default. */
  cwd?: string;
  /** SATELLITE_* variables to apply under the values; none by default (code decides). */
  env?: Record<string, string | undefined>;
}

/** A validated agent configuration from plain values; throws ConfigError listing every problem. */
export function agentConfigFrom(input: AgentConfigInput): AgentConfig {
  return loadAgentConfig({
    flags: { config: "library-config.json" },
    env: input.env ?? {},
    readFile: () => JSON.stringify(input.values),
    hostname: input.hostname ?? (() => "satellite"),
    cwd: input.cwd ?? ".",
    findKind: (kind) => input.kinds.find((k) => k.kind === kind),
    kindNames: input.kinds.map((k) => k.kind),
  });
}
