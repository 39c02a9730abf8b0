import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeHttpError, exchange, quoteBody } from "./_http-probe.ts";
import { failed, failedFrom, running } from "./_outcome.ts";
import { loadTls, tlsOptions } from "./_tls.ts";

export const dockerRegistryOptions = () => z.strictObject({
  /** Registry base URL, e.g. https://registry.local:5000. */
  address: z.string().regex(/^https?:\/\/[^\s/]+/, "expected the registry URL, e.g. https://registry.local:5000"),
  tls: tlsOptions().optional(),
});

export type DockerRegistryOptions = z.output<ReturnType<typeof dockerRegistryOptions>>;

/**
 * GET <address>/v2/: 200, or 401 from a registry that wants credentials (it answered as a
 * registry, so it is up).
 */
export function dockerRegistryKind(deps: Pick<CheckerDeps, "http" | "files">): CheckerKind<DockerRegistryOptions> {
  return {
    kind: "docker-registry",
    description: "A Docker registry answers GET <address>/v2/ (200, or 401 when it wants credentials)",
    options: dockerRegistryOptions,
    create(options) {
      const url = `${options.address.replace(/\/+$/, "")}/v2/`;
      return async (ctx) => {
        let tls;
        try {
          tls = await loadTls(deps.files, options.tls);
        } catch (error) {
          return [failedFrom("cannot load TLS files for the registry", error)];
        }
        let result;
        try {
          result = await exchange(deps.http, { url, signal: ctx.signal, tls }, () => ctx.clock.monotonicMs());
        } catch (error) {
          return [failed(`docker registry check failed: ${describeHttpError("GET", url, error)}`)];
        }
        const data = { url, status: result.status, durationMs: result.durationMs };
        if (result.status !== 200 && result.status !== 401) {
          return [failed(`docker registry check failed: GET ${url} answered ${result.status} ${quoteBody(result.body)}`, { data })];
        }
        return [running({ detail: `${url}: ${result.status}`, data, metrics: { durationMs: result.durationMs } })];
      };
    },
  };
}
