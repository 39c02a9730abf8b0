import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { HttpRequest } from "../platform/http-fetch.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeHttpError, exchange, quoteBody } from "./_http-probe.ts";
import { failed, running } from "./_outcome.ts";

export const dockerOptions = () => z.strictObject({
  /** Socket path, unix:///path, tcp://host:port or http(s)://host:port; defaults to the agent's dockerAddr. */
  address: z.string().regex(/^(\/|unix:\/\/\/|tcp:\/\/|https?:\/\/)/, "expected a socket path, unix:///path, tcp://host:port or http://host:port").optional(),
});

export type DockerOptions = z.output<ReturnType<typeof dockerOptions>>;

/** Where to send Docker API requests for an address in any of the accepted spellings. */
export function dockerEndpoint(address: string): { base: string; unixSocket?: string } {
  if (address.startsWith("/")) return { base: "http://docker", unixSocket: address };
  if (address.startsWith("unix://")) return { base: "http://docker", unixSocket: address.slice("unix://".length) };
  if (address.startsWith("tcp://")) return { base: `http://${address.slice("tcp://".length)}`.replace(/\/+$/, "") };
  return { base: address.replace(/\/+$/, "") };
}

export function dockerKind(deps: Pick<CheckerDeps, "http">): CheckerKind<DockerOptions> {
  return {
    kind: "docker",
    description: "Docker (or podman) API answers /_ping and /version over its socket (agent setting dockerAddr)",
    options: dockerOptions,
    create(options, env) {
      const address = options.address ?? env.settings.dockerAddr;
      const { base, unixSocket } = dockerEndpoint(address);
      const hint = `check the container runtime: systemctl status docker; is ${address} the right socket?`;
      return async (ctx) => {
        const request = (path: string): HttpRequest => ({ url: `${base}${path}`, unixSocket, signal: ctx.signal });
        const now = () => ctx.clock.monotonicMs();
        let ping;
        try {
          ping = await exchange(deps.http, request("/_ping"), now);
        } catch (error) {
          return [failed(`docker healthz check failed: ${describeHttpError("GET", `${address} /_ping`, error)}`, { detail: hint })];
        }
        if (ping.status !== 200) {
          return [failed(`docker healthz check failed: /_ping answered ${ping.status} ${quoteBody(ping.body)}`, { detail: hint })];
        }
        let version: { Version?: unknown; ApiVersion?: unknown } = {};
        try {
          const v = await exchange(deps.http, request("/version"), now);
          if (v.status !== 200) {
            return [failed(`docker healthz check failed: /version answered ${v.status} ${quoteBody(v.body)}`, { detail: hint })];
          }
          version = JSON.parse(v.body) as typeof version;
        } catch (error) {
          return [failed(`docker healthz check failed: ${describeHttpError("GET", `${address} /version`, error)}`, { detail: hint })];
        }
        const data = {
          address,
          version: typeof version.Version === "string" ? version.Version : undefined,
          apiVersion: typeof version.ApiVersion === "string" ? version.ApiVersion : undefined,
          pingMs: ping.durationMs,
        };
        return [running({ detail: `docker ${data.version ?? "?"} (API ${data.apiVersion ?? "?"}) at ${address}`, data, metrics: { pingMs: ping.durationMs } })];
      };
    },
  };
}
