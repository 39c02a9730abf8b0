import { parseHostPort, type HostPort } from "../config/addresses.ts";
import { parseDurationMs } from "../config/duration.ts";
import type { AgentConfig } from "../config/load.ts";
import { startIntake, type ListenAt, type RunningIntake } from "../intake/intake-server.ts";
import type { SatelliteMetrics } from "../metrics/index.ts";
import { bunListeningSockets } from "../platform/bun-sockets.ts";
import type { HistoryStore } from "../store/history-store.ts";
import type { AgentPlatform } from "./platform-deps.ts";

/** The conventional ports: statsd's and carbon's plaintext receiver. */
export const STATSD_PORT_DEFAULT = 8125;
export const GRAPHITE_PORT_DEFAULT = 2003;

export interface IntakeSetupDeps {
  platform: AgentPlatform;
  metrics: SatelliteMetrics;
  history: Pick<HistoryStore, "appendMetrics">;
}

/** Starts statsd and graphite intake when `--statsd-addr` or `--graphite-addr` is set; undefined otherwise. */
export async function startMetricIntake(config: AgentConfig, deps: IntakeSetupDeps): Promise<RunningIntake | undefined> {
  if (config.statsdAddr === undefined && config.graphiteAddr === undefined) return undefined;
  const { platform } = deps;
  const listenAt = async (text: string | undefined, defaultPort: number): Promise<ListenAt | undefined> => {
    if (text === undefined) return undefined;
    const address = parseHostPort(text, defaultPort) as HostPort;
    return { host: await platform.resolveHost(address.host), port: address.port };
  };
  return startIntake({
    statsd: await listenAt(config.statsdAddr, STATSD_PORT_DEFAULT),
    graphite: await listenAt(config.graphiteAddr, GRAPHITE_PORT_DEFAULT),
    nodeName: config.name,
    flushIntervalMs: parseDurationMs(config.statsdFlushInterval) ?? 10_000,
    metricsMax: config.statsdMetricsMax,
    clock: platform.clock,
    random: platform.random,
    logger: platform.logger.child({ part: "intake" }),
    sockets: platform.sockets ?? bunListeningSockets,
    metrics: deps.metrics,
    history: deps.history,
  });
}
