import { defineCommand } from "citty";
import { ConfigError } from "../../config/config-error.ts";
import { createRestKubeConnector } from "../../kube/rest-connector.ts";
import { resolveNethealthOptions, NETHEALTH_DEFAULT_NAMESPACE, NETHEALTH_DEFAULT_SELECTOR, NETHEALTH_PORT, type NethealthFlags } from "../../nethealth/nethealth-options.ts";
import { startNethealth } from "../../nethealth/start-nethealth.ts";
import { openUdp } from "../../platform/bun-sockets.ts";
import { systemClock } from "../../platform/clock.ts";
import { bunHttpFetch } from "../../platform/http-fetch.ts";
import { listenHttp } from "../../platform/http-server.ts";
import { createLineLogger } from "../../platform/logger.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { repeatedFlagValues } from "./agent.ts";

/** Bound on a graceful stop: the socket and the HTTP listener close at once. */
const STOP_TIMEOUT_MS = 3000;

export const nethealthCommand = defineCommand({
  meta: {
    name: "nethealth",
    description: "Echo UDP with every peer over the pod network and serve per-peer loss and latency (GET /peers JSON, /metrics): the agent's overlay check reads it",
  },
  args: {
    name: { type: "string", description: "This node's name, as the agent's gossip knows it (default: hostname); in Kubernetes the node name", valueHint: "NAME" },
    "echo-addr": { type: "string", description: `UDP address to echo on (default 0.0.0.0:${NETHEALTH_PORT})`, valueHint: "IP:PORT" },
    "http-addr": { type: "string", description: `HTTP address of /peers, /metrics and /livez (default 0.0.0.0:${NETHEALTH_PORT}, TCP)`, valueHint: "IP:PORT" },
    peers: { type: "string", description: "Peers as name:ip[:port], comma-separated or repeated (bare metal, tests); without it, the DaemonSet's pods from the Kubernetes API", valueHint: "LIST" },
    "kube-namespace": { type: "string", description: `Namespace of the nethealth pods (default ${NETHEALTH_DEFAULT_NAMESPACE})`, valueHint: "NS" },
    "kube-selector": { type: "string", description: `Label selector of the nethealth pods (default ${NETHEALTH_DEFAULT_SELECTOR})`, valueHint: "LABELS" },
    kubeconfig: { type: "string", description: "kubeconfig for listing the nethealth pods (default: the files in KUBECONFIG as kubectl reads them, else the in-cluster configuration)", valueHint: "PATH" },
    interval: { type: "string", description: "One echo to every peer this often (default 1s)", valueHint: "DURATION" },
    timeout: { type: "string", description: "An echo without a reply after this is lost (default 1s)", valueHint: "DURATION" },
    window: { type: "string", description: "Loss and latency are over this many last echoes per peer (default 60)", valueHint: "N" },
    debug: { type: "boolean", description: "Log dropped datagrams and other details" },
  },
  async run(context) {
    const deps = depsOf(context);
    const args = context.args as Record<string, unknown>;
    const flags: NethealthFlags = {};
    for (const key of ["name", "echo-addr", "http-addr", "kube-namespace", "kube-selector", "kubeconfig", "interval", "timeout", "window"] as const) {
      if (typeof args[key] === "string") flags[key] = args[key] as string;
    }
    const peers = repeatedFlagValues(context.rawArgs, "peers");
    if (peers.length > 0) flags.peers = peers;
    if (args.debug === true) flags.debug = true;
    let options;
    try {
      options = resolveNethealthOptions(flags, deps.hostname());
    } catch (error) {
      if (error instanceof ConfigError) throw new CommandExit(EXIT_USAGE, `${error.message}\nfix the flags above; \`satellite help nethealth\` lists them`);
      throw error;
    }
    const clock = deps.clock ?? systemClock;
    const logger = createLineLogger({ minLevel: options.debug ? "debug" : "info", write: deps.err, nowMs: () => clock.nowMs(), fields: { part: "nethealth" } });
    const running = await startNethealth(options, { clock, logger, openUdp, listenHttp, kube: createRestKubeConnector(bunHttpFetch, deps.env) });
    const signal = await deps.waitForStopSignal();
    logger.info("stopping", { reason: signal });
    const stopped = await Promise.race([running.stop().then(() => true), new Promise<boolean>((resolve) => clock.setTimer(STOP_TIMEOUT_MS, () => resolve(false)))]);
    return stopped ? 0 : 1;
  },
});
