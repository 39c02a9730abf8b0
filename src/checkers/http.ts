import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { exchange, describeHttpError, quoteBody } from "./_http-probe.ts";
import { failed, failedFrom, running } from "./_outcome.ts";
import { loadTls, tlsOptions } from "./_tls.ts";

/** "200-399" or 204 -> [low, high] inclusive. */
export const statusRange = () => z
  .union([
    z.number().int().min(100, "expected an HTTP status 100-599").max(599, "expected an HTTP status 100-599"),
    z.string().regex(/^[1-5]\d\d(-[1-5]\d\d)?$/, 'expected a status or range such as 200 or "200-399"'),
  ])
  .transform((v, ctx): [number, number] => {
    if (typeof v === "number") return [v, v];
    const [lo, hi = lo] = v.split("-").map(Number) as [number, number?];
    if (hi < lo) {
      ctx.addIssue({ code: "custom", message: `range ${v} is empty: the low end is above the high end` });
      return z.NEVER;
    }
    return [lo, hi];
  });

export const httpOptions = () => z.strictObject({
  url: z.string().regex(/^https?:\/\/[^\s/]+/, "expected an http:// or https:// URL"),
  method: z.enum(["GET", "HEAD", "POST", "PUT", "OPTIONS"]).default("GET"),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  expectStatus: statusRange().default([200, 399]),
  bodyContains: z.string().min(1).optional(),
  /** Send over a unix socket (e.g. Docker's); the URL's host is then only the Host header. */
  unixSocket: z.string().startsWith("/", "expected an absolute socket path").optional(),
  tls: tlsOptions().optional(),
});

export type HttpOptions = z.output<ReturnType<typeof httpOptions>>;

export function httpKind(deps: Pick<CheckerDeps, "http" | "files">): CheckerKind<HttpOptions> {
  return {
    kind: "http",
    description: "HTTP(S) request: status in a range, optional body substring, optional CA/client certificates",
    options: httpOptions,
    create(options) {
      const [lo, hi] = options.expectStatus;
      return async (ctx) => {
        let tls;
        try {
          tls = await loadTls(deps.files, options.tls);
        } catch (error) {
          return [failedFrom("cannot load TLS files", error, { detail: "fix the tls caFile/certFile/keyFile paths" })];
        }
        let result;
        try {
          result = await exchange(
            deps.http,
            { url: options.url, method: options.method, headers: options.headers, body: options.body, signal: ctx.signal, tls, unixSocket: options.unixSocket },
            () => ctx.clock.monotonicMs(),
          );
        } catch (error) {
          return [failed(describeHttpError(options.method, options.url, error))];
        }
        const data = { url: options.url, status: result.status, durationMs: result.durationMs };
        const metrics = { durationMs: result.durationMs, status: result.status };
        if (result.status < lo || result.status > hi) {
          return [failed(`${options.method} ${options.url} answered ${result.status}, expected ${lo === hi ? lo : `${lo}-${hi}`}`, { detail: quoteBody(result.body), data, metrics })];
        }
        if (options.bodyContains !== undefined && !result.body.includes(options.bodyContains)) {
          return [
            failed(`${options.method} ${options.url} body does not contain ${JSON.stringify(options.bodyContains)}`, {
              detail: `body${result.bodyTruncated ? " (first 64 KiB)" : ""}: ${quoteBody(result.body)}`,
              data,
              metrics,
            }),
          ];
        }
        return [running({ detail: `${options.method} ${options.url}: ${result.status} in ${result.durationMs} ms`, data, metrics })];
      };
    },
  };
}
