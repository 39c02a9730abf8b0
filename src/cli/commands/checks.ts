import { defineCommand } from "citty";
import type { CheckView } from "../../probes/node-health.ts";
import type { Probe } from "../../events/health-state.ts";
import { formatDurationMs } from "../../config/duration.ts";
import { AGENT_ADDRESS_ARGS, callAgent, describeApiError } from "../agent-client.ts";
import { baseUrlOf, CommandExit, depsOf } from "../command-context.ts";
import { formatTable } from "../table.ts";

interface SkippedView {
  name: string;
  kind: string;
  reason: string;
}

function summarize(probes: readonly Probe[]): string {
  if (probes.length === 0) return "not run yet";
  const failed = probes.filter((p) => p.status === "failed");
  if (failed.length === 0) return "running";
  return failed.map((p) => `failed${p.severity === "warning" ? " (warning)" : ""}: ${p.error ?? p.detail ?? ""}`.trim()).join("; ");
}

const runSubcommand = defineCommand({
  meta: { name: "run", description: "Run one check now and print its result; exit 1 if it failed" },
  args: { ...AGENT_ADDRESS_ARGS, name: { type: "positional", description: "The check's name", required: true }, json: { type: "boolean", description: "Print JSON" } },
  async run(context) {
    const deps = depsOf(context);
    const name = context.args.name;
    const response = await callAgent(deps.fetch, baseUrlOf(context.args), `/checks/${encodeURIComponent(name)}/run`, { method: "POST", timeoutMs: 120_000 });
    if (response.status === 404) throw new CommandExit(2, describeApiError(response.body));
    if (response.status !== 200) throw new CommandExit(2, `the agent answered ${response.status}: ${describeApiError(response.body)}`);
    const result = response.body as { probes: Probe[]; durationMs: number };
    if (context.args.json) deps.out(JSON.stringify(result));
    else {
      const rows = result.probes.map((p) => [p.checker, p.status, p.severity ?? "", p.error ?? p.detail ?? ""]);
      deps.out(`${formatTable(["CHECK", "STATUS", "SEVERITY", "DETAIL"], rows)}\n(${Math.round(result.durationMs)} ms)`);
    }
    return result.probes.some((p) => p.status === "failed") ? 1 : 0;
  },
});

export const checksCommand = defineCommand({
  meta: { name: "checks", description: "List the configured checks with their interval and last result; `checks run NAME` runs one now" },
  args: { ...AGENT_ADDRESS_ARGS, json: { type: "boolean", description: "Print JSON instead of a table" } },
  subCommands: { run: runSubcommand },
  async run(context) {
    if (context.args._[0] === "run") return undefined;
    const deps = depsOf(context);
    const response = await callAgent(deps.fetch, baseUrlOf(context.args), "/checks");
    if (response.status !== 200) throw new CommandExit(2, `the agent answered ${response.status}: ${describeApiError(response.body)}`);
    const body = response.body as { checks: CheckView[]; skipped?: SkippedView[] };
    if (context.args.json) {
      deps.out(JSON.stringify(body));
      return 0;
    }
    const rows = body.checks.map((c) => [c.name, c.kind, formatDurationMs(c.intervalMs), summarize(c.probes)]);
    let text = formatTable(["NAME", "KIND", "INTERVAL", "LAST RESULT"], rows);
    if (body.skipped && body.skipped.length > 0) {
      text += `\n\nNot enabled on this host:\n${formatTable(["NAME", "KIND", "WHY"], body.skipped.map((s) => [s.name, s.kind, s.reason]))}`;
    }
    deps.out(text);
    return 0;
  },
});
