import { defineCommand } from "citty";
import type { Probe } from "../../events/health-state.ts";
import { formatDurationMs } from "../../config/duration.ts";
import { describeErrorAnswer, describeUnexpectedAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { formatTable } from "../table.ts";

function summarize(probes: readonly Probe[]): string {
  if (probes.length === 0) return "not run yet";
  const failed = probes.filter((p) => p.status === "failed");
  if (failed.length === 0) return "running";
  return failed.map((p) => `failed${p.severity === "warning" ? " (warning)" : ""}: ${p.error ?? p.detail ?? ""}`.trim()).join("; ");
}

const runSubcommand = defineCommand({
  meta: { name: "run", description: "Run one check now and print its result; exit 1 if it failed; needs the API token when the agent has one" },
  args: { ...AGENT_CONNECTION_ARGS, name: { type: "positional", description: "The check's name", required: true }, json: { type: "boolean", description: "Print JSON" } },
  async run(context) {
    const deps = depsOf(context);
    const name = context.args.name;
    const response = await connectAgent(deps, context.args, 120_000).checks[":name"].run.$post({ param: { name: encodeURIComponent(name) } });
    if (response.status === 404) throw new CommandExit(2, await describeErrorAnswer(response));
    if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const result = await response.json();
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
  args: { ...AGENT_CONNECTION_ARGS, json: { type: "boolean", description: "Print JSON instead of a table" } },
  subCommands: { run: runSubcommand },
  async run(context) {
    if (context.args._[0] === "run") return undefined;
    const deps = depsOf(context);
    const response = await connectAgent(deps, context.args).checks.$get();
    if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const body = await response.json();
    if (context.args.json) {
      deps.out(JSON.stringify(body));
      return 0;
    }
    const rows = body.checks.map((c) => [c.name, c.kind, formatDurationMs(c.intervalMs), summarize(c.probes)]);
    let text = formatTable(["NAME", "KIND", "INTERVAL", "LAST RESULT"], rows);
    if (body.skipped.length > 0) {
      text += `\n\nNot enabled on this host:\n${formatTable(["NAME", "KIND", "WHY"], body.skipped.map((s) => [s.name, s.kind, s.reason]))}`;
    }
    deps.out(text);
    return 0;
  },
});
