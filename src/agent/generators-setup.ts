import type { ApiDeps, ReadinessCheck } from "../api/api-deps.ts";
import type { ClusterView } from "../cluster/cluster-view.ts";
import type { AgentConfig } from "../config/load.ts";
import type { EventStream } from "../events/event-stream.ts";
import { startGeneratorSet } from "../generators/generator-set.ts";
import type { KvBackend } from "../kv/kv-backend.ts";
import { systemGeneratedFiles } from "../platform/generated-files.ts";
import type { AgentPlatform } from "./platform-deps.ts";

export interface GeneratorsSetupDeps {
  platform: AgentPlatform;
  events: EventStream;
  view: Pick<ClusterView, "facts">;
  /** The key-value store, when this agent runs one; generators with kvPrefixes fail (and say so) without it. */
  kv?: KvBackend;
}

export interface RunningGenerators {
  api: NonNullable<ApiDeps["generators"]>;
  readiness(): ReadinessCheck[];
  stop(): Promise<void>;
}

/** Starts the configured generators (docs/generators.md); undefined when there are none. */
export function startGenerators(config: AgentConfig, deps: GeneratorsSetupDeps): RunningGenerators | undefined {
  if (config.generators.length === 0) return undefined;
  const { platform } = deps;
  const set = startGeneratorSet({
    generators: config.generators,
    events: deps.events,
    clock: platform.clock,
    exec: platform.exec,
    files: platform.generatedFiles ?? systemGeneratedFiles,
    logger: platform.logger.child({ part: "generators" }),
    kv: deps.kv,
    source: () => ({ facts: deps.view.facts(), self: config.name, clusterName: config.clusterName }),
  });
  return { api: { list: () => set.list(), render: (name, options) => set.render(name, options) }, readiness: () => set.readiness(), stop: () => set.stop() };
}
