import { startingResponse } from "../api/starting-responses.ts";
import { parseHostPort, type HostPort } from "../config/addresses.ts";
import type { AgentConfig } from "../config/load.ts";
import type { HttpServerOptions, RequestHandler } from "../platform/http-server.ts";
import type { AgentPlatform } from "./platform-deps.ts";

export interface ApiListener {
  addresses: HostPort[];
  /** Every request from now on goes to `handler` (the built API). */
  serve(handler: RequestHandler): void;
  /** Stops the listener; the second and later calls wait for the first. */
  stop(): Promise<void>;
}

/**
 * Binds the API's addresses before anything else starts: a taken address fails the start
 * before this node joins the cluster, and `/livez` answers while the checks are planned,
 * gossip joins and the stores open (`/readyz` and the rest say the agent is starting, see
 * api/starting-responses.ts) until `serve` hands requests to the built API.
 */
export async function openApiListener(config: Pick<AgentConfig, "rpcAddr">, platform: Pick<AgentPlatform, "listenHttp">, options: HttpServerOptions): Promise<ApiListener> {
  let handler: RequestHandler = startingResponse;
  const addresses = config.rpcAddr.map((a) => parseHostPort(a, 7575) as HostPort);
  const server = await platform.listenHttp(addresses, (request, env) => handler(request, env), options);
  let stopped: Promise<void> | undefined;
  return {
    addresses: server.addresses,
    serve(next) {
      handler = next;
    },
    stop: () => (stopped ??= server.stop()),
  };
}
