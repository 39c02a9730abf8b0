import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, describeCause, failed, running } from "./_outcome.ts";
import { parsePluginOutput } from "./_perfdata.ts";
import { round2 } from "./_stats.ts";

export const DEFAULT_SCRIPT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export const scriptOptions = () => z
  .strictObject({
    /** Program and arguments, run without a shell; with shell: true, one string for /bin/sh -c. */
    command: z.array(z.string().min(1, "command parts must not be empty")).min(1, "expected [program, args...]"),
    shell: z.boolean().default(false),
    /** The child's whole environment; PATH defaults to the standard system directories. */
    env: z
      .record(z.string(), z.string())
      .superRefine((env, ctx) => {
        for (const key of Object.keys(env)) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) ctx.addIssue({ code: "custom", path: [key], message: `"${key}" is not an environment variable name` });
        }
      })
      .default({}),
    cwd: z.string().startsWith("/", "expected an absolute directory").optional(),
    outputBytesMax: z.number().int().min(256).max(64 * 1024).default(4096),
  })
  .refine((o) => !o.shell || o.command.length === 1, {
    message: "with shell: true, give the whole shell command as one string",
    path: ["command"],
  });

export type ScriptOptions = z.output<ReturnType<typeof scriptOptions>>;

const STATES: Record<number, { state: string; severity?: "warning" | "critical" }> = {
  1: { state: "warning", severity: "warning" },
  2: { state: "critical", severity: "critical" },
  3: { state: "unknown" },
};

/**
 * A Nagios plugin: exit 0 ok, 1 warning, 2 critical, 3 unknown (any other exit is unknown too).
 * The first line of output is the detail, perfdata become metrics. The process group is killed
 * when the run is aborted and when the plugin exits, so no child outlives the check.
 */
export function scriptKind(deps: Pick<CheckerDeps, "exec">): CheckerKind<ScriptOptions> {
  return {
    kind: "script",
    description: "Nagios-plugin script: exit 0/1/2/3 -> running/warning/critical/unknown, perfdata as metrics",
    options: scriptOptions,
    create(options) {
      const argv = options.shell ? ["/bin/sh", "-c", options.command[0] as string] : options.command;
      const env = { PATH: DEFAULT_SCRIPT_PATH, ...options.env };
      const program = options.shell ? "shell command" : (options.command[0] as string);
      return async (ctx): Promise<CheckOutcome[]> => {
        const start = ctx.clock.monotonicMs();
        let result;
        try {
          result = await deps.exec.run(argv, { env, cwd: options.cwd, signal: ctx.signal, outputBytesMax: options.outputBytesMax });
        } catch (error) {
          return [failed(`cannot run ${program}: ${describeCause(error)}`, { detail: "check the command path and that it is executable" })];
        }
        const durationMs = round2(ctx.clock.monotonicMs() - start);
        const output = result.stdout.trim() !== "" ? result.stdout : result.stderr;
        const parsed = parsePluginOutput(output);
        const detail = capText(parsed.summary, options.outputBytesMax) || undefined;
        const metrics: Record<string, number> = {};
        for (const p of parsed.perfdata) metrics[p.label] = p.value;
        const data = {
          exitCode: result.exitCode,
          durationMs,
          perfdata: parsed.perfdata.slice(0, 64),
          ...(parsed.longText ? { longText: capText(parsed.longText, options.outputBytesMax) } : {}),
          ...(result.truncated ? { outputTruncated: true } : {}),
        };
        if (result.aborted) {
          return [failed(`${program} did not finish in time; its process group was killed`, { detail, data: { durationMs } })];
        }
        if (result.exitCode === null) {
          return [failed(`${program} was killed by ${result.signalCode ?? "a signal"}`, { detail, data })];
        }
        if (result.exitCode === 0) return [running({ detail, data, metrics })];
        const known = STATES[result.exitCode];
        if (known?.severity) {
          return [failed(`${program} exited ${result.exitCode} (${known.state})`, { severity: known.severity, detail, data, metrics })];
        }
        const why = result.exitCode === 3 ? "unknown" : `unknown (exit code ${result.exitCode} is not a plugin state)`;
        return [failed(why, { detail: detail ?? capText(result.stderr.trim(), options.outputBytesMax), data, metrics })];
      };
    },
  };
}
