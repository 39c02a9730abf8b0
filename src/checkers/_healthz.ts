import { z } from "zod";
import type { CheckerKind, CheckerSettings } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeHttpError, exchange, quoteBody } from "./_http-probe.ts";
import { failed, failedFrom, running } from "./_outcome.ts";
import { loadTls, tlsOptions } from "./_tls.ts";

export const healthzOptions = () => z.strictObject({
  url: z.string().regex(/^https?:\/\/[^\s/]+/, "expected an http:// or https:// URL").optional(),
  tls: tlsOptions().optional(),
  /** Expected body after trimming; Kubernetes components answer "ok". */
  expectBody: z.string().default("ok"),
});

export type HealthzOptions = z.output<ReturnType<typeof healthzOptions>>;

export interface HealthzSpec {
  kind: string;
  description: string;
  /** What the probe checks, for messages ("kubelet"). */
  component: string;
  defaultUrl: (settings: CheckerSettings) => string;
  /** Used when the config gives no tls block; local components serve self-signed certificates. */
  defaultTls?: z.input<ReturnType<typeof tlsOptions>>;
  hint: string;
}

/** A Kubernetes-style health endpoint: 200 and body "ok". */
export function healthzKind(spec: HealthzSpec, deps: Pick<CheckerDeps, "http" | "files">): CheckerKind<HealthzOptions> {
  return {
    kind: spec.kind,
    description: spec.description,
    options: healthzOptions,
    create(options, env) {
      const url = options.url ?? spec.defaultUrl(env.settings);
      const tlsConfig = options.tls ?? (spec.defaultTls ? tlsOptions().parse(spec.defaultTls) : undefined);
      return async (ctx) => {
        let tls;
        try {
          tls = await loadTls(deps.files, tlsConfig);
        } catch (error) {
          return [failedFrom(`cannot load TLS files for ${spec.component}`, error)];
        }
        let result;
        try {
          result = await exchange(deps.http, { url, signal: ctx.signal, tls }, () => ctx.clock.monotonicMs());
        } catch (error) {
          return [failed(`${spec.component} healthz check failed: ${describeHttpError("GET", url, error)}`, { detail: spec.hint })];
        }
        const data = { url, status: result.status, durationMs: result.durationMs };
        if (result.status !== 200 || result.body.trim() !== options.expectBody) {
          return [
            failed(`${spec.component} is not healthy: GET ${url} answered ${result.status} ${quoteBody(result.body)}, expected 200 ${JSON.stringify(options.expectBody)}`, {
              detail: spec.hint,
              data,
              metrics: { durationMs: result.durationMs },
            }),
          ];
        }
        return [running({ detail: `${spec.component}: ${url} ok in ${result.durationMs} ms`, data, metrics: { durationMs: result.durationMs } })];
      };
    },
  };
}
