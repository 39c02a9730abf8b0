import type { CollectedValue } from "../collectors/collected-values.ts";
import { valueAt } from "../collectors/collected-values.ts";
import { CollectorManager, type CollectorSource, SECOND_SAMPLE_DELAY_MS } from "../collectors/collector-manager.ts";
import { sleep } from "../platform/clock.ts";
import type { HostFacts } from "../platform/host-facts.ts";
import type { CheckContext, CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { compileEvaluated, evaluatedOptions, type EvaluatedOptions } from "./_evaluated-options.ts";
import { collectorsRead, metricKeyOfPath, type VarExpr, varNodesOf } from "./_evaluated-refs.ts";
import type { Expr } from "./_expr.ts";
import { evaluateWithHost, type ExprValue, type HostFunctions, truthy } from "./_expr-eval.ts";
import { capText, describeCause, failed, running } from "./_outcome.ts";
import { formatValue, renderTemplate, type Template } from "./_template.ts";

/** How long one run keeps the collectors it read running; a check that runs less often restarts them (and waits for rates). */
export const COLLECTOR_LEASE_MS = 5 * 60_000;
/** Keys listed when a value is missing. */
const KEYS_SHOWN_MAX = 20;

/** Evaluated checks call no host functions: their values are collected ones. */
const NO_HOST_FUNCTIONS = new Proxy({} as HostFunctions, {
  get: () => async () => {
    throw new Error("host functions are not available in evaluated checks");
  },
});

/** One key per value however its path was written (`a.%b` and `a["%b"]` are one value). */
const keyOf = (path: readonly string[]): string => path.join("\u0000");

/** The values one run reads, by keyOf their path; a missing one is explained, and `waiting` when it is a rate not measured yet. */
type Lookup = { values: Map<string, ExprValue>; missing: { name: string; reason: string; waiting: boolean }[] };

function lookupAll(reads: readonly VarExpr[], thresholds: Readonly<Record<string, number>>, source: CollectorSource): Lookup {
  const values = new Map<string, ExprValue>();
  const missing: Lookup["missing"] = [];
  for (const v of reads) {
    const key = keyOf(v.path);
    if (values.has(key) || v.path[0] === "variables") continue;
    if (v.path[0] === "thresholds") {
      const name = v.path[1] as string;
      if (Object.hasOwn(thresholds, name)) values.set(key, thresholds[name] as number);
      continue;
    }
    const collector = v.path[1] as string;
    const snapshot = source.snapshot(collector);
    const value: CollectedValue | undefined = snapshot ? valueAt(snapshot.values, v.path.slice(2)) : undefined;
    if (value !== undefined) {
      values.set(key, value);
      continue;
    }
    if (snapshot?.error) missing.push({ name: v.name, reason: `collector ${collector} failed: ${snapshot.error}`, waiting: false });
    else if ((snapshot?.samples ?? 0) < 2) missing.push({ name: v.name, reason: `collector ${collector} has only ${snapshot?.samples ?? 0} sample(s); rates need two`, waiting: true });
    else missing.push({ name: v.name, reason: `collector ${collector} has no such value; there: ${keysNear(snapshot?.values ?? {}, v.path.slice(2))}`, waiting: false });
  }
  return { values, missing };
}

/** The keys beside the first missing one, to say what exists ("eth0, lo"). */
function keysNear(tree: Record<string, unknown>, path: readonly string[]): string {
  let node: unknown = tree;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) break;
    node = (node as Record<string, unknown>)[key];
  }
  const keys = typeof node === "object" && node !== null ? Object.keys(node) : [];
  return keys.length === 0 ? "nothing" : keys.slice(0, KEYS_SHOWN_MAX).join(", ") + (keys.length > KEYS_SHOWN_MAX ? ", …" : "");
}

/** A HostFacts over the checker's files, for a check that has no agent collectors to share. */
function factsOver(files: CheckerDeps["files"]): HostFacts {
  return {
    files,
    exists: async (path) => (await files.readText(path).catch(() => undefined)) !== undefined,
    readHead: async (path, bytesMax) => (await files.readText(path))?.slice(0, bytesMax),
    env: () => undefined,
  };
}

/** Rejects with the signal's reason once it aborts; the collection itself finishes on its own. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * kunai's checks: conditions over collected values (docs/checks.md, `evaluated`; docs/collectors.md).
 * criticalIf true: critical; else warningIf true: warning; else ok. The output is the matching
 * template, rendered with the same values; the numbers read are the run's metrics.
 */
export function evaluatedKind(deps: Pick<CheckerDeps, "files" | "disk">): CheckerKind<EvaluatedOptions> {
  return {
    kind: "evaluated",
    description: "warningIf/criticalIf expressions over collected host values (cpu, memory, disks, interfaces, ports...) with named thresholds and output templates, as kunai's checks",
    options: evaluatedOptions,
    create(raw, env) {
      const options = compileEvaluated(raw, (path, message) => {
        // The config check ran this compilation already; reaching here means options bypassed it.
        throw new Error(`evaluated check option ${path.join(".")}: ${message}`);
      });
      const thresholds: Record<string, number> = { ...options.thresholds };
      for (const name of Object.keys(thresholds)) {
        const override = env.settings.thresholds?.[name];
        if (override !== undefined) thresholds[name] = override;
      }
      const collectors = collectorsRead(options.reads);
      let own: CollectorManager | undefined;
      const sourceFor = (ctx: CheckContext): CollectorSource =>
        env.collectors ?? (own ??= new CollectorManager({ host: { facts: factsOver(deps.files), disk: deps.disk }, clock: ctx.clock, logger: env.logger }));

      return async (ctx) => {
        const source = sourceFor(ctx);
        let lookup: Lookup;
        try {
          await untilAborted(source.use(collectors, COLLECTOR_LEASE_MS), ctx.signal);
          lookup = lookupAll(options.reads, thresholds, source);
          // Started just now: the second sample, with the rates, is a second away.
          if (lookup.missing.some((m) => m.waiting)) {
            await sleep(ctx.clock, SECOND_SAMPLE_DELAY_MS + 100, ctx.signal);
            lookup = lookupAll(options.reads, thresholds, source);
          }
        } catch (error) {
          return [failed(`cannot collect ${collectors.join(", ")}: ${describeCause(error)}`)];
        }
        const first = lookup.missing[0];
        if (first) return [failed(capText(`no value for ${first.name}: ${first.reason}`))];

        const values = lookup.values;
        const read = (v: VarExpr): ExprValue => {
          const value = values.get(keyOf(v.path));
          if (value === undefined) throw new Error(`no value for ${v.name}`);
          return value;
        };
        const evaluate = (expr: Expr): Promise<ExprValue> => evaluateWithHost(expr, NO_HOST_FUNCTIONS, read);
        const metrics: Record<string, number> = {};
        try {
          for (const variable of options.variables) values.set(keyOf(["variables", variable.name]), await evaluate(variable.expr));
          for (const [key, value] of values) if (typeof value === "number") metrics[metricKeyOfPath(key.split("\u0000"))] = value;
          const outcome = async (template: Template | undefined, fallback: () => string): Promise<string> => (template ? renderTemplate(template, evaluate) : fallback());
          if (options.criticalIf && truthy(await evaluate(options.criticalIf.expr))) {
            return [failed(await outcome(options.criticalOutput, () => `criticalIf matched: ${options.criticalIf?.text} (${explain(options.criticalIf?.expr, values, options.reads)})`), { severity: "critical", metrics })];
          }
          if (options.warningIf && truthy(await evaluate(options.warningIf.expr))) {
            return [failed(await outcome(options.warningOutput, () => `warningIf matched: ${options.warningIf?.text} (${explain(options.warningIf?.expr, values, options.reads)})`), { severity: "warning", metrics })];
          }
          return [running({ detail: await outcome(options.okOutput, () => explain(undefined, values, options.reads)), metrics })];
        } catch (error) {
          return [failed(`cannot evaluate: ${describeCause(error)}`, { metrics })];
        }
      };
    },
  };
}

/** "collector.cpu.cpu_all.%idle=3.5, thresholds.cpu_idle_min=10": the values an expression (or the whole check) read. */
function explain(expr: Expr | undefined, values: ReadonlyMap<string, ExprValue>, reads: readonly VarExpr[]): string {
  const shown = new Map((expr ? varNodesOf(expr) : reads).map((r) => [keyOf(r.path), r.name]));
  return [...shown].map(([key, name]) => `${name}=${formatValue(values.get(key) ?? "?")}`).join(", ");
}
