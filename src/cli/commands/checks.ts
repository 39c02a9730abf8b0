import { defineCommand } from "citty";
import type { Probe } from "../../events/health-state.ts";
import { formatDurationMs } from "../../config/duration.ts";
import { describeErrorAnswer, describeUnexpectedAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { printListing } from "../print-listing.ts";
import { formatTable } from "../table.ts";
import { paintHealth, plainText, terminalStyle } from "../terminal-style.ts";

function summarize(probes: readonly Probe[]): string {
  if (probes.length === 0) return "not run yet";
  const failed = probes.filter((p) => p.status === "failed");
  if (failed.length === 0) return "running";
  return failed.map((p) => `failed${p.severity === "warning" ? " (warning)" : ""}: ${plainText(p.error ?? p.detail ?? "")}`.trim()).join("; ");
}

/** "never", "just now", "12s ago", "3m20s ago": how long before `nowMs` a check last ran. */
export function formatAgo(lastRunAtMs: number | undefined, nowMs: number): string {
  if (lastRunAtMs === undefined) return "never";
  const ageMs = nowMs - lastRunAtMs;
  if (ageMs < 1000) return "just now";
  return `${formatDurationMs(Math.round(ageMs / 1000) * 1000)} ago`;
}

const runSubcommand = defineCommand({
  meta: { name: "run", description: "Run one check now and print its result; exit 1 if it failed; needs the API token when the agent has one" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS, name: { type: "positional", description: "The check's name (`satellite checks` lists them)", required: true, valueHint: "NAME" } },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const name = context.args.name;
    const response = await connectAgent(deps, context.args, 120_000).checks[":name"].run.$post({ param: { name: encodeURIComponent(name) } });
    if (response.status === 404) throw new CommandExit(2, await describeErrorAnswer(response));
    if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const result = await response.json();
    if (isDataFormat(format)) deps.out(renderData(format, result));
    else {
      const style = terminalStyle({ isTerminal: deps.isTerminal === true, env: deps.env });
      const rows = result.probes.map((p) => [plainText(p.checker), p.status, p.severity ?? "critical", plainText(p.error ?? p.detail ?? "")]);
      deps.out(`${formatTable(["CHECK", "STATUS", "SEVERITY", "DETAIL"], rows, (text, _row, column) => (column === 1 ? paintHealth(style, text) : text))}\n(${Math.round(result.durationMs)} ms)`);
    }
    return result.probes.some((p) => p.status === "failed") ? 1 : 0;
  },
});

export const checksCommand = defineCommand({
  meta: { name: "checks", description: "List the configured checks: interval, when each last ran and its last result; `checks run NAME` runs one now" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS },
  subCommands: { run: runSubcommand },
  async run(context) {
    if (context.args._[0] === "run") return undefined;
    const deps = depsOf(context);
    return printListing(deps, outputFormatOf(context.args, "table"), connectAgent(deps, context.args).checks.$get(), (body, { nowMs, wide }) => {
      const header = ["NAME", "KIND", "INTERVAL", ...(wide ? ["TIMEOUT"] : []), "LAST RUN", ...(wide ? ["TOOK", "FAILURES IN A ROW"] : []), "LAST RESULT"];
      const rows = body.checks.map((c) => [
        plainText(c.name),
        c.kind,
        formatDurationMs(c.intervalMs),
        ...(wide ? [formatDurationMs(c.timeoutMs)] : []),
        formatAgo(c.lastRunAtMs, nowMs),
        ...(wide ? [c.lastDurationMs === undefined ? "-" : `${Math.round(c.lastDurationMs)}ms`, String(c.consecutiveFailures)] : []),
        summarize(c.probes),
      ]);
      const text = formatTable(header, rows);
      if (body.skipped.length === 0) return text;
      return `${text}\n\nNot enabled on this host:\n${formatTable(["NAME", "KIND", "WHY"], body.skipped.map((s) => [s.name, s.kind, s.reason]))}`;
    });
  },
});
