import { join } from "node:path";
import type { ApiDeps, ReadinessCheck } from "../api/api-deps.ts";
import { createApp } from "../api/create-app.ts";
import { buildInfo } from "../build-info.ts";
import type { MemberStatusJson } from "../cluster/status-json.ts";
import { parseHostPort, type HostPort } from "../config/addresses.ts";
import type { AgentConfig } from "../config/load.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import { startHttpServer, type RunningHttpServer } from "../platform/http-server.ts";
import { NodeHealth } from "../probes/node-health.ts";
import { outcomesToProbes } from "../probes/outcome-to-probe.ts";
import { Scheduler } from "../probes/scheduler.ts";
import { createSqliteHistoryStore } from "../store/sqlite/sqlite-history-store.ts";
import { planChecks } from "./check-setup.ts";
import { createHistoryRecorder } from "./history-recorder.ts";
import type { AgentPlatform } from "./platform-deps.ts";
import { createSingleNodeView, localNodeStatus } from "./single-node-view.ts";
import type { CheckerKind } from "../probes/checker.ts";

/** Runs allowed at once; enough for hundreds of checks, bounded so a stuck host is not flooded. */
const CHECK_CONCURRENCY_MAX = 32;

export interface RunningAgent {
  apiAddresses: HostPort[];
  /** Stops probes, flushes history and closes the API; safe to call twice. */
  stop(): Promise<void>;
}

export interface AgentKinds {
  find: (kind: string) => CheckerKind<any> | undefined;
  names: readonly string[];
}

/** The composition root: builds every part from the config and platform, starts them, and knows how to stop them. */
export async function startAgent(config: AgentConfig, platform: AgentPlatform, kinds: AgentKinds): Promise<RunningAgent> {
  const { clock, random, logger } = platform;
  try {
    platform.makeDir(config.stateDir);
  } catch (error) {
    throw new SatelliteError("STATE_DIR_UNUSABLE", `cannot create state directory ${config.stateDir}: ${describeError(error)}`, {
      hint: "pick a writable directory with --state-dir",
      cause: error,
    });
  }
  const store = createSqliteHistoryStore({ path: join(config.stateDir, "history.db"), retentionMs: config.retentionMs, clock, logger: logger.child({ part: "history" }) });
  const plan = await planChecks(config, kinds, platform.hostProbe, logger);
  const health = new NodeHealth(config.name, plan.tracked);
  const recorder = createHistoryRecorder(store, config.name, plan.tracked, logger);
  const member: MemberStatusJson = { name: config.name, node_name: config.name, addr: config.advertiseAddr ?? config.gossipAddr, status: "alive", tags: config.tags };
  const local = () => localNodeStatus(config.name, member, health);
  const view = createSingleNodeView(clock, local);

  const scheduler = new Scheduler({
    clock,
    random,
    logger: logger.child({ part: "probes" }),
    concurrencyMax: CHECK_CONCURRENCY_MAX,
    jitterFraction: 0.1,
    onReport: (report) => {
      const events = health.apply(report);
      if (report.error) logger.debug("check run failed", { check: report.name, error: report.error });
      events.push(...view.verdictEvents(report.startedAtMs + report.durationMs));
      for (const event of events) logger.info("state change", { type: event.type, node: event.node, probe: event.probe });
      recorder.record(report, events);
    },
  });
  for (const check of plan.scheduled) scheduler.add(check);

  const readiness = (): ReadinessCheck[] => {
    const storeHealth = store.health();
    return [
      { name: "history", ok: storeHealth.ok, message: storeHealth.error },
      { name: "probes", ok: true },
    ];
  };
  const deps: ApiDeps = {
    clock,
    status: { cluster: view.cluster, local },
    history: store,
    readiness,
    version: buildInfo,
    apiToken: config.apiToken,
    checks: {
      list: () => health.checks(),
      run: async (name) => {
        const running = scheduler.runNow(name);
        if (!running) return undefined;
        const report = await running;
        const severity = plan.tracked.find((c) => c.name === name)?.severity ?? "critical";
        return { probes: outcomesToProbes(name, report.outcomes, severity), durationMs: report.durationMs };
      },
    },
  };
  const app = createApp(deps);
  const listen = config.rpcAddr.map((a) => parseHostPort(a, 7575) as HostPort);
  let server: RunningHttpServer;
  try {
    server = startHttpServer(listen, (request, env) => app.fetch(request, env));
  } catch (error) {
    await store.close();
    throw error;
  }
  scheduler.start();
  for (const s of plan.skipped) logger.info("built-in check not enabled", { check: s.name, reason: s.reason });
  logger.info("agent started", { name: config.name, api: server.addresses.map((a) => `${a.host}:${a.port}`).join(","), checks: plan.scheduled.length, stateDir: config.stateDir });

  let stopping: Promise<void> | undefined;
  return {
    apiAddresses: server.addresses,
    stop() {
      stopping ??= (async () => {
        logger.info("agent stopping");
        await scheduler.stop();
        await server.stop();
        await store.close();
        logger.info("agent stopped");
      })();
      return stopping;
    },
  };
}
