import { hostname } from "node:os";
import { startAgent, type RunningAgent } from "../agent/agent.ts";
import type { AgentPlatform } from "../agent/platform-deps.ts";
import { checkerKinds } from "../checkers/all-kinds.ts";
import { createAgentPlatform } from "../cli/process-platform.ts";
import { startChildReaper } from "../platform/child-reaper.ts";
import { SatelliteError } from "../platform/errors.ts";
import type { CheckerKind } from "../probes/checker.ts";
import { agentConfigFrom } from "./agent-config.ts";
import { attachNotifiers, type EventNotifier } from "./event-notifier.ts";
import { withHistoryBackends, type HistoryBackend } from "./history-backends.ts";

/** Every checker kind Satellite ships (docs/checks.md). */
export const builtInCheckerKinds: readonly CheckerKind<any>[] = checkerKinds;

export interface CustomAgentOptions {
  /** Config-file keys (docs/configuration.md); `checks` may name your kinds. */
  config: Record<string, unknown>;
  /** Kinds added to the built-in ones; a name that is already taken is an error. */
  checkerKinds?: readonly CheckerKind<any>[];
  /** Backends that get every history write beside the agent's own store. */
  historyBackends?: readonly HistoryBackend[];
  /** Notifiers of your own, beside the config's. */
  notifiers?: readonly EventNotifier[];
  /** The side effects; the real process's (Bun) by default, `createDenoAgentPlatform()` on Deno. */
  platform?: AgentPlatform;
  /** The node name when `config.name` is absent; the host name by default. */
  hostname?: () => string;
  /**
   * Makes this process collect orphaned children (a subreaper; PID 1 in a container), as
   * `satellite agent` does: set it in an agent's own executable, not in a process that only
   * embeds an agent (a test runner). Default false.
   */
  collectOrphans?: boolean;
}

/** All kinds the agent will know: built-in first, then `extra`; throws on a duplicate name. */
export function mergeCheckerKinds(extra: readonly CheckerKind<any>[]): readonly CheckerKind<any>[] {
  const seen = new Set(builtInCheckerKinds.map((k) => k.kind));
  for (const kind of extra) {
    if (seen.has(kind.kind)) {
      throw new SatelliteError("CHECKER_KIND_TAKEN", `checker kind "${kind.kind}" is already registered`, { hint: "give your kind a name of its own (a prefix such as acme-)" });
    }
    seen.add(kind.kind);
  }
  return [...builtInCheckerKinds, ...extra];
}

/**
 * Starts a complete agent from code: the built-in checks, gossip, status rules, history and
 * HTTP API, plus your checker kinds, history backends and notifiers. Stop it with `stop()`.
 */
export async function startCustomAgent(options: CustomAgentOptions): Promise<RunningAgent> {
  const kinds = mergeCheckerKinds(options.checkerKinds ?? []);
  const config = agentConfigFrom({ values: options.config, kinds, hostname: options.hostname ?? (() => hostname()) });
  const base = options.platform ?? createAgentPlatform();
  if (options.collectOrphans) startChildReaper(base.logger);
  const backends = options.historyBackends ?? [];
  const platform: AgentPlatform = {
    ...base,
    openHistoryStore: (storeOptions) => withHistoryBackends(base.openHistoryStore(storeOptions), backends, storeOptions),
  };
  const agent = await startAgent(config, platform, { find: (kind) => kinds.find((k) => k.kind === kind), names: kinds.map((k) => k.kind) });
  const subscriptions = attachNotifiers(agent.events, options.notifiers ?? [], platform.logger.child({ part: "library-notifiers" }));
  return {
    ...agent,
    async stop(stopOptions) {
      await Promise.all(subscriptions.map((s) => s.stop()));
      await agent.stop(stopOptions);
    },
  };
}
