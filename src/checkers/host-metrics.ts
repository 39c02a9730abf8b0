import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { COLLECTORS, COLLECTOR_VARIABLES, type CollectorName, HostCollectors } from "./_collectors.ts";
import { type Expr, ExprError, evaluate, parseExpression, variablesOf } from "./_expr.ts";
import { capText, describeCause, failed, running } from "./_outcome.ts";

/** A rule string, parsed at config load; a syntax error is a config error naming the position. */
const rule = () => z
  .string()
  .min(1, "expected an expression such as memory.usedPercent > 90")
  .transform((text, ctx) => {
    try {
      return { text, expr: parseExpression(text) };
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof ExprError ? `invalid rule: ${error.message}` : `invalid rule: ${String(error)}` });
      return z.NEVER;
    }
  });

export const hostMetricsOptions = () => z
  .strictObject({
    collectors: z.array(z.enum(COLLECTORS)).min(1).default([...COLLECTORS]),
    /** Filesystem the disk collector measures; defaults to the agent's state directory. */
    diskPath: z.string().startsWith("/", "expected an absolute path").optional(),
    warningIf: rule().optional(),
    criticalIf: rule().optional(),
  })
  .superRefine((o, ctx) => {
    const known = new Set(o.collectors.flatMap((c) => COLLECTOR_VARIABLES[c]));
    for (const key of ["warningIf", "criticalIf"] as const) {
      const r = o[key];
      if (!r) continue;
      for (const name of variablesOf(r.expr)) {
        if (!known.has(name)) {
          ctx.addIssue({ code: "custom", path: [key], message: `unknown variable ${name}; known with collectors ${o.collectors.join(", ")}: ${[...known].join(", ")}` });
        }
      }
    }
  });

export type HostMetricsOptions = z.output<ReturnType<typeof hostMetricsOptions>>;

function matches(expr: Expr, vars: Record<string, number>): boolean {
  return evaluate(expr, vars) !== 0;
}

/** The values a rule looked at, for the error message: "memory.usedPercent=93.1". */
function explain(expr: Expr, vars: Record<string, number>): string {
  return [...variablesOf(expr)].map((n) => `${n}=${vars[n]}`).join(", ");
}

/** kunai-style collectors with warningIf/criticalIf rules over their values. */
export function hostMetricsKind(deps: Pick<CheckerDeps, "files" | "disk">): CheckerKind<HostMetricsOptions> {
  return {
    kind: "host-metrics",
    description: "CPU, memory, load, disk and network from /proc, with warningIf/criticalIf threshold rules",
    options: hostMetricsOptions,
    create(options, env) {
      const collectors = new HostCollectors(deps.files, deps.disk);
      const diskPath = options.diskPath ?? env.settings.stateDir;
      return async (ctx) => {
        let vars: Record<string, number>;
        try {
          vars = await collectors.collect(options.collectors as CollectorName[], diskPath, ctx.clock.monotonicMs());
        } catch (error) {
          return [failed(`cannot collect host metrics: ${describeCause(error)}`)];
        }
        const data = vars;
        try {
          if (options.criticalIf && matches(options.criticalIf.expr, vars)) {
            return [failed(capText(`criticalIf matched: ${options.criticalIf.text} (${explain(options.criticalIf.expr, vars)})`), { severity: "critical", data, metrics: vars })];
          }
          if (options.warningIf && matches(options.warningIf.expr, vars)) {
            return [failed(capText(`warningIf matched: ${options.warningIf.text} (${explain(options.warningIf.expr, vars)})`), { severity: "warning", data, metrics: vars })];
          }
        } catch (error) {
          return [failed(`cannot evaluate threshold rule: ${describeCause(error)}`, { data })];
        }
        return [running({ detail: summary(vars), data, metrics: vars })];
      };
    },
  };
}

function summary(vars: Record<string, number>): string {
  const parts: string[] = [];
  if (vars["cpu.usedPercent"] !== undefined) parts.push(`cpu ${vars["cpu.usedPercent"]}%`);
  if (vars["memory.usedPercent"] !== undefined) parts.push(`memory ${vars["memory.usedPercent"]}%`);
  if (vars["load.load1"] !== undefined) parts.push(`load ${vars["load.load1"]}`);
  if (vars["disk.usedPercent"] !== undefined) parts.push(`disk ${vars["disk.usedPercent"]}%`);
  if (vars["network.rxBytesPerSecond"] !== undefined) parts.push(`net rx ${vars["network.rxBytesPerSecond"]} B/s tx ${vars["network.txBytesPerSecond"]} B/s`);
  return parts.join(", ");
}
