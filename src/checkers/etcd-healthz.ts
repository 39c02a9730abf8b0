import { z } from "zod";
import type { CheckerKind, CheckerSettings } from "../probes/checker.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeHttpError, exchange, quoteBody } from "./_http-probe.ts";
import { failed, failedFrom, running } from "./_outcome.ts";
import { type TlsOptions, loadTls, tlsOptions } from "./_tls.ts";

export const etcdHealthzOptions = () => z.strictObject({
  /** Client URLs; default: the agent's etcdServers. */
  endpoints: z.array(z.string().regex(/^https?:\/\/[^\s/]+/, "expected an etcd client URL such as https://127.0.0.1:2379")).min(1).optional(),
  /** Client TLS; default: the agent's etcdCafile/etcdCertfile/etcdKeyfile. */
  tls: tlsOptions().optional(),
});

export type EtcdHealthzOptions = z.output<ReturnType<typeof etcdHealthzOptions>>;

/** etcd answers {"health":"true"} (3.4) or {"health":true}; anything else is unhealthy. */
export function isHealthyBody(body: string): { healthy: boolean; reason?: string } {
  try {
    const parsed = JSON.parse(body) as { health?: unknown; reason?: unknown };
    const healthy = parsed.health === true || parsed.health === "true";
    return { healthy, reason: typeof parsed.reason === "string" && parsed.reason !== "" ? parsed.reason : undefined };
  } catch {
    return { healthy: false, reason: "answer is not JSON" };
  }
}

/** The agent's etcd client TLS files, when any is set. */
function agentTls(settings: CheckerSettings): TlsOptions | undefined {
  const { etcdCafile: caFile, etcdCertfile: certFile, etcdKeyfile: keyFile } = settings;
  if (!caFile && !certFile && !keyFile) return undefined;
  return { caFile, certFile, keyFile, insecureSkipVerify: false };
}

/** Asks every endpoint in parallel; one failed outcome per unhealthy endpoint (detail = endpoint). */
export function etcdHealthzKind(deps: Pick<CheckerDeps, "http" | "files">): CheckerKind<EtcdHealthzOptions> {
  return {
    kind: "etcd-healthz",
    description: "Every etcd endpoint (agent setting etcdServers) answers /health with health true, optionally over client TLS",
    options: etcdHealthzOptions,
    create(options, env) {
      const endpoints = options.endpoints ?? env.settings.etcdServers;
      const tlsConfig = options.tls ?? agentTls(env.settings);
      return async (ctx) => {
        let tls;
        try {
          tls = await loadTls(deps.files, tlsConfig);
        } catch (error) {
          return [failedFrom("cannot load etcd client TLS files", error, { detail: "fix etcdCafile/etcdCertfile/etcdKeyfile" })];
        }
        const results = await Promise.all(
          endpoints.map(async (endpoint): Promise<{ endpoint: string; outcome?: CheckOutcome; durationMs?: number }> => {
            const url = `${endpoint.replace(/\/+$/, "")}/health`;
            try {
              const r = await exchange(deps.http, { url, signal: ctx.signal, tls }, () => ctx.clock.monotonicMs());
              const health = isHealthyBody(r.body);
              if (r.status === 200 && health.healthy) return { endpoint, durationMs: r.durationMs };
              const why = health.reason ? ` (${health.reason})` : "";
              return { endpoint, outcome: failed(`etcd healthz check failed: ${url} answered ${r.status} ${quoteBody(r.body)}${why}`, { detail: endpoint }) };
            } catch (error) {
              return { endpoint, outcome: failed(`etcd healthz check failed: ${describeHttpError("GET", url, error)}`, { detail: endpoint }) };
            }
          }),
        );
        const failures = results.flatMap((r) => (r.outcome ? [r.outcome] : []));
        if (failures.length > 0) return failures;
        const data = { endpoints: results.map((r) => ({ endpoint: r.endpoint, durationMs: r.durationMs })) };
        return [running({ detail: `${endpoints.length} etcd endpoint(s) healthy`, data })];
      };
    },
  };
}
