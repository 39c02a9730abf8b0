import type { KubeConnector } from "../kube/kube-api.ts";
import type { SocketAddress, UdpEndpoint } from "../platform/bun-sockets.ts";
import type { Clock } from "../platform/clock.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import type { ListenAddress, RequestHandler, RunningHttpServer } from "../platform/http-server.ts";
import type { Logger } from "../platform/logger.ts";
import { createRateLimitedLog } from "../platform/rate-limited-log.ts";
import { createEchoProber, type EchoProber } from "./echo-prober.ts";
import { startKubePeerRefresh } from "./kube-peers.ts";
import { createNethealthHandler } from "./nethealth-http.ts";
import type { NethealthOptions } from "./nethealth-options.ts";

/** Every side effect of `satellite nethealth`: the real process's in the CLI, fakes in tests. */
export interface NethealthPlatform {
  clock: Clock;
  logger: Logger;
  openUdp(bindAddr: string, port: number, onPacket: (data: Uint8Array, from: SocketAddress) => void, onError: (error: Error) => void): Promise<UdpEndpoint>;
  listenHttp(addresses: readonly ListenAddress[], handler: RequestHandler): Promise<RunningHttpServer>;
  kube: KubeConnector;
}

export interface RunningNethealth {
  prober: EchoProber;
  /** The UDP port echoed on (a requested 0 resolved). */
  echoPort: number;
  httpAddresses: ListenAddress[];
  stop(): Promise<void>;
}

/** How often the DaemonSet's pods are listed again, and how long one listing may take. */
const KUBE_REFRESH_MS = 30_000;
const KUBE_LIST_TIMEOUT_MS = 10_000;

/** Opens the echo socket and the HTTP endpoint, then echoes with the peers until stopped. */
export async function startNethealth(options: NethealthOptions, platform: NethealthPlatform): Promise<RunningNethealth> {
  const { clock, logger } = platform;
  const prober = createEchoProber({ node: options.name, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs, windowProbes: options.windowProbes }, { clock, logger });
  const echoAt = `${options.echo.ip}:${options.echo.port}`;
  // A refused echo (ICMP port unreachable: a peer's nethealth is not running) surfaces as a
  // socket error on every send to it: logged once per 10 s, the loss shows in the report.
  const socketErrors = createRateLimitedLog(logger, () => clock.monotonicMs(), 10_000);
  const onSocketError = (error: Error): void => socketErrors.log("warn", "socket", "echo socket error (a peer's nethealth may be down)", { error: error.message });
  const socket = await platform.openUdp(options.echo.ip, options.echo.port, prober.receive, onSocketError).catch((error: unknown) => {
    throw new SatelliteError("NETHEALTH_ECHO_LISTEN_FAILED", `cannot open the UDP echo socket on ${echoAt}: ${describeError(error)}`, { hint: "another process may use the port, or the address is not on this host; pick another --echo-addr", cause: error });
  });
  let server: RunningHttpServer;
  try {
    server = await platform.listenHttp([options.http], createNethealthHandler(prober));
  } catch (error) {
    socket.close();
    throw new SatelliteError("NETHEALTH_HTTP_LISTEN_FAILED", `cannot serve HTTP on ${options.http.host}:${options.http.port}: ${describeError(error)}`, { hint: "another process may use the port; pick another --http-addr", cause: error });
  }
  let stopPeers = (): void => undefined;
  if (options.peers.from === "list") prober.setPeers(options.peers.list);
  else {
    const refresh = startKubePeerRefresh({
      connector: platform.kube,
      kubeconfig: options.peers.kubeconfig,
      source: options.peers.source,
      clock,
      logger,
      intervalMs: KUBE_REFRESH_MS,
      timeoutMs: KUBE_LIST_TIMEOUT_MS,
      onPeers: (peers) => prober.setPeers(peers),
    });
    stopPeers = refresh.stop;
  }
  prober.start(socket);
  const peerSource = options.peers.from === "list" ? `${options.peers.list.length} listed peers` : `pods ${options.peers.source.selector} in ${options.peers.source.namespace}`;
  logger.info("nethealth started", { node: options.name, echo: `${options.echo.ip}:${socket.port}`, http: server.addresses.map((a) => `${a.host}:${a.port}`).join(","), peers: peerSource });
  return {
    prober,
    echoPort: socket.port,
    httpAddresses: server.addresses,
    async stop() {
      stopPeers();
      prober.stop();
      socket.close();
      await server.stop();
    },
  };
}
