import { defineCommand } from "citty";
import { reasonProblem, windowDurationProblem } from "../../api/maintenance-routes.ts";
import { describeWindowTarget, isMaintenanceId, isValidReason } from "../../cluster/maintenance-window.ts";
import type { ClusterStatusJson, MaintenanceWindowJson, NodeStatusJson } from "../../cluster/status-json.ts";
import { describeErrorAnswer, describeUnexpectedAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { formatTable } from "../table.ts";
import { plainText } from "../terminal-style.ts";

const START_TARGET_ARGS = {
  node: { type: "string", valueHint: "NODE", description: "The node: muted itself, or with --check the node whose check is muted" },
  check: { type: "string", valueHint: "NAME", description: "A check to mute: on --node only, else on every node" },
} as const;

const END_TARGET_ARGS = {
  node: { type: "string", valueHint: "NODE", description: "End the node's own window, or with --check the window of that node's check" },
  check: { type: "string", valueHint: "NAME", description: "End the windows of this check: the one of --node only, else every one of the check" },
} as const;

/** The node from the positional argument or --node (one of them, the same if both). */
function nodeOf(positional: readonly string[], flag: string | undefined, usage: string): string | undefined {
  if (positional.length > 1) throw new CommandExit(EXIT_USAGE, `name at most one node: ${usage}`);
  const named = positional[0];
  if (named !== undefined && flag !== undefined && named !== flag) throw new CommandExit(EXIT_USAGE, `the node is named twice (${named} and --node ${flag}): ${usage}`);
  return named ?? flag;
}

/** One line per window, for people. */
export function describeWindow(w: MaintenanceWindowJson): string {
  return `${w.id}: ${describeWindowTarget(w)} until ${w.until.slice(0, 19)}Z${w.reason ? ` (${plainText(w.reason)})` : ""}`;
}

/** The nodes of /status (answered 200 running, 503 degraded), or none when it cannot be read: only a warning depends on it. */
async function clusterNodes(api: ReturnType<typeof connectAgent>): Promise<NodeStatusJson[]> {
  try {
    const response = await api.status.$get({ query: {} });
    const body = (await response.json()) as Partial<ClusterStatusJson>;
    return Array.isArray(body.nodes) ? body.nodes : [];
  } catch {
    return [];
  }
}

const START_USAGE = "satellite maintenance start NODE|--check NAME [--node NODE] --for 1h [--reason TEXT]";

const startSubcommand = defineCommand({
  meta: { name: "start", description: "Mute a node, or a check (on one node or every node), cluster-wide for a while: it neither degrades the cluster status nor notifies; needs the API token when the agent has one" },
  args: {
    ...AGENT_CONNECTION_ARGS,
    ...OUTPUT_ARGS,
    ...START_TARGET_ARGS,
    for: { type: "string", valueHint: "DURATION", description: "How long, 1s to 7d: 30m, 2h, 1d (required); it ends by itself then" },
    reason: { type: "string", valueHint: "TEXT", description: "Why, shown in /status and the timeline (at most 160 characters)" },
    target: { type: "positional", required: false, valueHint: "NODE", description: "The node to mute (or --node)" },
  },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const node = nodeOf(context.args._, context.args.node, START_USAGE);
    const check = context.args.check;
    if (node === undefined && check === undefined) throw new CommandExit(EXIT_USAGE, `name a node or a check: ${START_USAGE}`);
    if (context.args.for === undefined) throw new CommandExit(EXIT_USAGE, `say for how long with --for (e.g. --for 1h): ${START_USAGE}`);
    // Checked here too, so the refusal names the flag rather than the API's body.
    const durationProblem = windowDurationProblem(context.args.for);
    if (durationProblem) throw new CommandExit(EXIT_USAGE, `--for ${durationProblem.problem}${durationProblem.hint ? ` (${durationProblem.hint})` : ""}`);
    const reason = context.args.reason;
    if (reason !== undefined && !isValidReason(reason)) throw new CommandExit(EXIT_USAGE, `--reason ${reasonProblem(reason)}`);
    const api = connectAgent(deps, context.args);
    const response = await api.maintenance.$post({ json: { node, check, for: context.args.for, reason: context.args.reason } });
    if (response.status === 400) throw new CommandExit(EXIT_USAGE, `maintenance start refused: ${await describeErrorAnswer(response)}`);
    if (response.status !== 200) throw new CommandExit(1, `maintenance start failed: ${await describeErrorAnswer(response)}`);
    const { window } = await response.json();
    deps.out(isDataFormat(format) ? renderData(format, window) : `started ${describeWindow(window)}`);
    if (check !== undefined) {
      // A misspelt check mutes nothing and says nothing: the window is kept (the check may come with a reload), the operator warned.
      const nodes = (await clusterNodes(api)).filter((n) => node === undefined || n.name === node);
      const reported = nodes.some((n) => (n.probes ?? []).length > 0);
      if (reported && !nodes.some((n) => (n.probes ?? []).some((p) => p.checker === check))) {
        deps.err(`warning: no ${node === undefined ? "node" : `probe of ${node}`} reports a check named ${JSON.stringify(check)} now, so the window mutes nothing yet (\`satellite status\` lists the probes)`);
      }
    }
    return 0;
  },
});

const END_USAGE = "satellite maintenance end ID|NODE|--check NAME [--node NODE]";

const endSubcommand = defineCommand({
  meta: { name: "end", description: "End maintenance windows now, on every node: one by its id, a node's, or a check's; needs the API token when the agent has one" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS, ...END_TARGET_ARGS, target: { type: "positional", required: false, valueHint: "ID|NODE", description: "A window's id (`maintenance list`), or a node" } },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const positional = context.args._;
    const id = positional.length === 1 && isMaintenanceId(positional[0] as string) && context.args.node === undefined && context.args.check === undefined ? positional[0] : undefined;
    const node = id === undefined ? nodeOf(positional, context.args.node, END_USAGE) : undefined;
    const check = context.args.check;
    if (id === undefined && node === undefined && check === undefined) throw new CommandExit(EXIT_USAGE, `name a window's id, a node or a check: ${END_USAGE}`);
    const response = await connectAgent(deps, context.args).maintenance.$delete({ json: id !== undefined ? { id } : { node, check } });
    if (response.status === 404) throw new CommandExit(1, `nothing ended: ${await describeErrorAnswer(response)}`);
    if (response.status === 400) throw new CommandExit(EXIT_USAGE, `maintenance end refused: ${await describeErrorAnswer(response)}`);
    if (response.status !== 200) throw new CommandExit(1, `maintenance end failed: ${await describeErrorAnswer(response)}`);
    const { ended } = await response.json();
    deps.out(isDataFormat(format) ? renderData(format, ended) : ended.map((w) => `ended ${describeWindow(w)}`).join("\n"));
    return 0;
  },
});

const listSubcommand = defineCommand({
  meta: { name: "list", description: "List the active maintenance windows of the cluster" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const response = await connectAgent(deps, context.args).maintenance.$get();
    if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const { windows } = await response.json();
    if (isDataFormat(format)) deps.out(renderData(format, windows));
    else if (windows.length === 0) deps.out("no maintenance windows");
    else {
      const wide = format === "wide";
      const rows = windows.map((w) => [w.id, plainText(w.node ?? "*"), plainText(w.check ?? "-"), w.until.slice(0, 19), ...(wide ? [plainText(w.author), w.started_at.slice(0, 19)] : []), plainText(w.reason ?? "")]);
      deps.out(formatTable(["ID", "NODE", "CHECK", "UNTIL (UTC)", ...(wide ? ["BY", "STARTED (UTC)"] : []), "REASON"], rows));
    }
    return 0;
  },
});

export const maintenanceCommand = defineCommand({
  meta: { name: "maintenance", description: "Maintenance windows: mute a node or a check cluster-wide while you work on it (start, end, list)" },
  subCommands: { start: startSubcommand, end: endSubcommand, list: listSubcommand },
});
