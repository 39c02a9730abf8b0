import type { ApiDeps, ReadinessCheck } from "../api/api-deps.ts";
import { createApp } from "../api/create-app.ts";
import { createLiveEvents } from "../api/live-events.ts";
import { buildInfo } from "../build-info.ts";
import { parseHostPort, type HostPort } from "../config/addresses.ts";
import type { AgentConfig } from "../config/load.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import { createEventStream, type EventStream } from "../events/event-stream.ts";
import type { CheckerKind, PeerLinkView } from "../probes/checker.ts";
import { NodeHealth } from "../probes/node-health.ts";
import { outcomesToProbes } from "../probes/outcome-to-probe.ts";
import { Scheduler } from "../probes/scheduler.ts";
import { metricsRoute } from "../metrics/index.ts";
import { loadEmbeddedUi } from "../ui/embedded-ui.ts";
import { UI_PATH, uiRoutes } from "../ui/ui-routes.ts";
import { memberStatusJson } from "../cluster/cluster-view.ts";
import { openApiListener } from "./api-listener.ts";
import { apiServerOptions } from "./api-tls.ts";
import { planChecks } from "./check-setup.ts";
import { createDetectors } from "./detectors.ts";
import { createAgentCollectors } from "./collectors-setup.ts";
import { decideApplyOn, keepInScope } from "./tag-scope.ts";
import { createHostFunctions } from "../checkers/_host-functions.ts";
import { systemHostFacts } from "../platform/host-facts.ts";
import { createConfigReloader, type ReloadResult } from "./config-reload.ts";
import { startupWindowMs } from "./startup-window.ts";
import { createObservability } from "./observability.ts";
import { startGossip } from "./gossip.ts";
import { setupSerfQueries } from "./serf-queries-setup.ts";
import { setupRemoteExec } from "./exec-setup.ts";
import { warnWhenGossipUnencrypted } from "./gossip-keyring.ts";
import { logEvents } from "./event-log.ts";
import { startNotifications } from "./notifications.ts";
import { startEventHandlers } from "./event-handlers.ts";
import { openAgentHistory, type AgentHistory } from "./history-setup.ts";
import { startTimeSeries } from "./time-series.ts";
import { startDnsInterface } from "./dns-setup.ts";
import { startMetricIntake } from "./intake-setup.ts";
import { prepareKv } from "./kv-setup.ts";
import { startMaintenance } from "./maintenance-setup.ts";
import { processPrivateTextFiles } from "../platform/private-text-files.ts";
import { startGenerators } from "./generators-setup.ts";
import { reportedRelease, scheduleStartUpMemoryRelease } from "./start-up-memory-release.ts";
import { agentKubeConnector, startKubeWriteback } from "./kube-writeback-setup.ts";
import { applyRoleFromNodeLabel } from "./node-role.ts";
import { clusterStatusSource, STATUS_CACHE_MS } from "./status-source.ts";
import type { AgentPlatform } from "./platform-deps.ts";

/** Runs allowed at once; enough for hundreds of checks, bounded so a stuck host is not flooded. */
const CHECK_CONCURRENCY_MAX = 32;
/** The cluster view is first read this long after start (then on events and staleness deadlines). */
const FIRST_CLUSTER_LOOK_MS = 1000;
/** Start-up has settled (first join, first check runs, first push/pull) this long after the start. */
const START_UP_SETTLED_MS = 15_000;

export interface RunningAgent {
  apiAddresses: HostPort[];
  gossipAddress: HostPort;
  /** Everything that happens in this agent (docs/events.md); subscribe to follow it. */
  events: EventStream;
  /** Sends a serf user event to the cluster (as `serf event NAME PAYLOAD` does). */
  userEvent(name: string, payload: Uint8Array, coalesce?: boolean): void;
  /**
   * Applies a newly loaded configuration (SIGHUP): checks, their settings and event handlers
   * change in place; other changed keys are returned as waiting for a restart. Rejects, keeping
   * the running configuration, when the new checks cannot be built.
   */
  reload(config: AgentConfig): Promise<ReloadResult>;
  /** Resolves when the agent left the cluster through the API (`satellite leave`). */
  left: Promise<void>;
  /** Stops probes, gossip (leaving the cluster first when `leave`), flushes history, closes the API; safe to call twice. */
  stop(options?: { leave?: boolean }): Promise<void>;
}

export interface AgentKinds {
  /** A kind of `names`, loaded before (`load`); undefined for any other name. */
  find: (kind: string) => CheckerKind<any> | undefined;
  names: readonly string[];
  /** Loads the code of these kinds before `find` is asked for them; absent when every kind is loaded already. */
  load?: (kinds: readonly string[]) => Promise<void>;
}

/** The composition root: builds every part from the config and platform, starts them, and knows how to stop them. */
export async function startAgent(config: AgentConfig, platform: AgentPlatform, kinds: AgentKinds): Promise<RunningAgent> {
  const { clock, random, logger } = platform;
  const loaded = config;
  // Before anything starts: a wrong TLS file stops the agent before it joins the cluster.
  const apiOptions = apiServerOptions(config);
  const gossipEncryption = warnWhenGossipUnencrypted(config, logger.child({ part: "gossip" }));
  try {
    platform.makeDir(config.stateDir);
  } catch (error) {
    throw new SatelliteError("STATE_DIR_UNUSABLE", `cannot create state directory ${config.stateDir}: ${describeError(error)}`, { hint: "pick a writable directory with --state-dir", cause: error });
  }
  // The epoch tells this run's event ids from the last run's (sequence numbers restart at 1).
  const events = createEventStream({ clock, logger: logger.child({ part: "events" }), epoch: Math.floor(clock.nowMs()).toString(36) });
  // One agent per state directory, taken before its files are opened; released after they closed.
  const stateLock = platform.lockStateDir?.(config.stateDir);
  // Opened after the initial join; recorded into and closed last of all.
  let history: AgentHistory | undefined;
  const closers: (() => Promise<void>)[] = [
    async () => {
      history?.stopRecording();
      await history?.store.close();
    },
  ];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => logger.error("error while stopping", { error: describeError(error) }));
    stateLock?.release();
  };
  try {
    // First of all: an address in use stops the start before the join, and /livez answers from here on.
    const api = await openApiListener(config, platform, apiOptions);
    closers.push(() => api.stop());
    // Before the checks are planned and gossip tags are set: both follow the role.
    config = await applyRoleFromNodeLabel(config, { kube: agentKubeConnector, clock, logger });
    let peers: () => PeerLinkView[] = () => [];
    // Subscribed first: the detectors' first TagsChanged is logged (and kept: the history records all since seq 0).
    const stopLogging = logEvents(events, config.name, logger);
    closers.push(async () => stopLogging());
    // Detectors run once before the checks are planned and the notifiers start: applyOn sees the detected tags.
    const hostFacts = platform.hostFacts ?? systemHostFacts;
    // Lazy: a collector runs only while an evaluated check or GET /collectors/NAME uses it.
    const collectors = createAgentCollectors({ facts: hostFacts, clock, logger });
    closers.push(async () => collectors.stop());
    let setDetectedTags: (tags: Record<string, string>) => void = () => {};
    const detectors = createDetectors({ nodeName: config.name, detectors: config.detectors, staticTags: config.tags, facts: hostFacts, clock, logger, events, onChange: (tags) => setDetectedTags(tags) });
    closers.push(async () => detectors.stop());
    await detectors.runAll();
    const scopeHost = createHostFunctions(hostFacts, () => ({ ...detectors.tags(), ...config.tags }));
    const scope = (applyOn: string | undefined) => decideApplyOn(applyOn, scopeHost);
    const notifiersHere = await keepInScope(config.notifiers, scopeHost, (n, reason) => logger.info("notifier not started on this node", { notifier: n.name, reason }));
    config = { ...config, notifiers: notifiersHere };
    const plan = await planChecks(config, kinds, platform.hostProbe, logger, () => peers(), scope, collectors);
    const health = new NodeHealth(config.name, plan.tracked, events);
    const handlerOptions = (c: AgentConfig) => ({ handlers: c.eventHandlers, events, exec: platform.exec, clock, logger: logger.child({ part: "event-handlers" }), self: { name: c.name, tags: c.tags }, timeoutMs: c.eventHandlerTimeoutMs });
    let handlers = startEventHandlers(handlerOptions(config));
    closers.push(() => handlers.stop());
    closers.push(startKubeWriteback(config, { events, kube: agentKubeConnector, clock, logger, checks: plan.tracked.map((c) => c.name) }));
    const liveEvents = createLiveEvents({ stream: events, clock, logger: logger.child({ part: "events-api" }), clientsMax: config.eventsClientsMax });
    const local = () => ({ name: config.name, node_name: config.name, status: health.nodeStatus() === "unknown" ? undefined : (health.nodeStatus() as "running" | "degraded"), probes: health.probes() });

    const kv = prepareKv(config, platform, events);
    const gossip = await startGossip(config, platform, () => ({ status: health.nodeStatus(), probes: health.probes() }), events, kv.routes);
    // Stops gossip when a later part fails to start (closers run last first: just before the store closes).
    closers.splice(1, 0, () => gossip.stop(false));
    const member = gossip.member;
    // serf queries (the agent's SerfQuerying is serfQueries.source.querying) and key rotation.
    const serfQueries = setupSerfQueries(config, gossip, { logger, exec: platform.exec, clock, events });
    closers.push(async () => serfQueries.stop());
    const remoteExec = setupRemoteExec(config, { gossip, exec: platform.exec, clock, events, logger });
    closers.push(async () => remoteExec.stop());
    setDetectedTags = (tags) => gossip.setDetectedTags(tags);
    if (Object.keys(detectors.tags()).length > 0) gossip.setDetectedTags(detectors.tags());
    peers = () => member.peers.snapshot();
    const maintenance = startMaintenance({ nodeName: config.name, stateDir: config.stateDir, clock, random, logger, events, files: platform.stateFiles ?? processPrivateTextFiles }, member);
    closers.push(async () => maintenance.stop());
    // As soon as the parts that must see this node's joins follow them (history, handlers, queries, maintenance, the tags):
    // the rest read the view when they start (notifiers, generators) or per request (the API, kv: "not running" until started).
    gossip.joinInitialCluster();
    const kvBackend = kv.start(member);
    if (kvBackend) closers.push(() => kvBackend.close());
    history = openAgentHistory(config, platform, events, logger, 0);
    const store = history.store;
    const localWithMember = () => {
      const self = gossip.members().find((m) => m.name === config.name);
      return member.view.marked({ ...local(), member_status: self ? memberStatusJson(self) : undefined });
    };
    const observability = createObservability({ config, clock, logger, gossip, events, clusterStatus: () => member.view.status(), localStatus: localWithMember });
    kv.observe(observability.metrics);
    closers.push(() => observability.close());
    const notifications = await startNotifications({ config, platform, events, member, probes: () => health.probes(), metrics: observability.metrics });
    closers.push(() => notifications.stop());
    const timeSeries = startTimeSeries({ nodeName: config.name, events, clock, logger: logger.child({ part: "time-series" }), history: store, metrics: observability.metrics, writePoints: observability.writePoints, peers: () => peers() });
    // Stopped before observability and the store close (closers run in reverse), so the last samples reach both.
    closers.push(() => timeSeries.stop());
    // Opt-in listeners (--dns-addr, --statsd-addr, --graphite-addr); intake stops before the store closes, so its last interval is kept.
    const dns = await startDnsInterface(config, { platform, view: member.view, metrics: observability.metrics });
    if (dns) closers.push(async () => dns.stop());
    const intake = await startMetricIntake(config, { platform, metrics: observability.metrics, history: store });
    if (intake) closers.push(() => intake.stop());
    const generators = startGenerators(config, { platform, events, view: member.view, kv: kvBackend });
    if (generators) closers.push(() => generators.stop());
    const scheduler = new Scheduler({
      clock,
      random,
      logger: logger.child({ part: "probes" }),
      concurrencyMax: CHECK_CONCURRENCY_MAX,
      jitterFraction: 0.1,
      // Publishes ProbeRun and what it changed; history, metrics, the digest and the view follow.
      onReport: (report) => health.apply(report),
    });
    for (const check of plan.scheduled) scheduler.add(check);
    closers.push(() => scheduler.stop());
    const reloader = createConfigReloader({
      running: config,
      loaded,
      plan,
      replan: (c) => planChecks(c, kinds, platform.hostProbe, logger, () => peers(), scope, collectors),
      scheduler,
      health,
      nowMs: () => clock.nowMs(),
      restartEventHandlers: async (c) => {
        await handlers.stop();
        handlers = startEventHandlers(handlerOptions(c));
        serfQueries.reloadHandlers(c);
      },
    });
    // Detected tags changed: checks are planned again, so applyOn follows what the host is now.
    const stopScopeFollow = events.subscribe("check-scope", (event) => {
      if (event.type !== "TagsChanged" || event.node !== config.name) return;
      reloader.replanCurrent().then(
        (diff) => logger.info("checks planned again for the detected tags", { added: diff.added.join(",") || undefined, removed: diff.removed.join(",") || undefined }),
        (error: unknown) => logger.warn("checks could not be planned again for the detected tags; the running set stays", { error: describeError(error) }),
      );
    });
    closers.push(async () => stopScopeFollow());

    let onLeft: () => void = () => {};
    const left = new Promise<void>((resolve) => (onLeft = resolve));
    const readiness = (): ReadinessCheck[] => {
      const storeHealth = store.health();
      return [{ name: "history", ok: storeHealth.ok, message: storeHealth.error }, gossip.readiness(), gossipEncryption, ...observability.readiness(), ...notifications.readiness(), ...kv.readiness(), ...(generators?.readiness() ?? []), { name: "probes", ok: true }];
    };
    const deps: ApiDeps = {
      clock,
      status: clusterStatusSource(member, localWithMember),
      history: store,
      readiness,
      version: buildInfo,
      apiToken: config.apiToken,
      statusCacheMs: STATUS_CACHE_MS,
      dashboardPath: UI_PATH,
      liveEvents,
      membership: gossip.membershipSource(() => onLeft()),
      serfQueries: serfQueries.source,
      remoteExec: remoteExec.source,
      maintenance: maintenance.source,
      detectors: { list: () => detectors.list(), tags: () => detectors.tags() },
      collectors,
      generators: generators?.api,
      kv: kvBackend,
      checks: {
        list: () => health.checks(),
        skipped: () => reloader.plan().skipped,
        run: async (name) => {
          const running = scheduler.runNow(name);
          if (!running) return undefined;
          const report = await running;
          const severity = reloader.plan().tracked.find((c) => c.name === name)?.severity ?? "critical";
          return { probes: outcomesToProbes(name, report.outcomes, severity), durationMs: report.durationMs };
        },
      },
    };
    const metricsApp = metricsRoute(observability.metrics);
    const app = createApp(deps, [metricsApp, uiRoutes(loadEmbeddedUi)]);
    api.serve((request, env) => app.fetch(request, env));
    // Stopped here in the order (closers run last first), before the parts its routes read.
    closers.push(() => api.stop());
    // Before the server stops (closers run last first): an open /events response would hold it.
    closers.push(() => liveEvents.closeAll());
    if (config.metricsAddr) {
      const metricsServer = await platform.listenHttp([parseHostPort(config.metricsAddr) as HostPort], (request) => metricsApp.fetch(request));
      closers.push(() => metricsServer.stop());
    }

    scheduler.start();
    detectors.start();
    // Honest start-up: the node is `unknown` until every check reported once, or until each first run could have ended.
    const startup = clock.setTimer(startupWindowMs(plan.tracked), () => health.endStartup(clock.nowMs()));
    closers.push(async () => startup.cancel());
    // The first look at the cluster; later ones follow events and the staleness deadline.
    const firstLook = clock.setTimer(FIRST_CLUSTER_LOOK_MS, () => member.tick());
    closers.push(async () => firstLook.cancel());
    // Code that ran only to start (config, planning, set-up) is compiled and held until freed.
    const release = platform.releaseStartUpMemory;
    if (release) {
      const settledAfterMs = Math.max(START_UP_SETTLED_MS, startupWindowMs(plan.tracked));
      const joining = () => config.initialCluster.length > 0 && !gossip.members().some((m) => m.name !== config.name && m.status === "alive");
      const cancelRelease = scheduleStartUpMemoryRelease({ clock, random, events, settledAfterMs, release: reportedRelease(release, logger), joining });
      closers.push(async () => cancelRelease());
    }
    for (const s of plan.skipped) logger.info("built-in check not enabled", { check: s.name, reason: s.reason });
    logger.info("agent started", {
      name: config.name,
      api: api.addresses.map((a) => `${a.host}:${a.port}`).join(","),
      gossip: `${gossip.advertised.host}:${gossip.advertised.port}`,
      checks: plan.scheduled.length,
      stateDir: config.stateDir,
    });

    let stopping: Promise<void> | undefined;
    return {
      apiAddresses: api.addresses,
      gossipAddress: gossip.advertised,
      events,
      userEvent: (name, payload, coalesce) => member.serf.userEvent(name, payload, coalesce),
      reload: (next) => reloader.reload(next),
      left,
      stop(options = {}) {
        stopping ??= (async () => {
          logger.info("agent stopping", { leave: options.leave === true });
          await scheduler.stop();
          detectors.stop();
          await gossip.stop(options.leave === true);
          await closeAll();
          logger.info("agent stopped");
        })();
        return stopping;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
