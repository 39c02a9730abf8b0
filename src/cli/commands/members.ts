import { defineCommand } from "citty";
import type { NodeStatusJson } from "../../cluster/status-json.ts";
import { formatTags, splitTag } from "../../config/tag-syntax.ts";
import { describeUnexpectedAnswer, type AgentApi } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { EXIT_USAGE, type CliDeps } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { probeCount } from "../status-summary.ts";
import { formatTable } from "../table.ts";
import { paintHealth, plainText, terminalStyle } from "../terminal-style.ts";

const MEMBER_STATES = ["alive", "leaving", "left", "failed"];

export const membersCommand = defineCommand({
  meta: { name: "members", description: "List the cluster's members as this agent sees them: gossip state and health (running, degraded, unknown) side by side" },
  args: {
    ...AGENT_CONNECTION_ARGS,
    ...OUTPUT_ARGS,
    status: { type: "string", description: "Only members in this gossip state: alive, leaving, left, failed", valueHint: "state" },
    tag: { type: "string", description: "Only members with this tag, key=value (key:value too), e.g. role=master", valueHint: "key=value" },
  },
  async run(context) {
    const deps = depsOf(context);
    const { args } = context;
    const format = outputFormatOf(args, "table");
    if (args.status && !MEMBER_STATES.includes(args.status)) throw new CommandExit(EXIT_USAGE, `--status "${args.status}" must be one of ${MEMBER_STATES.join(", ")}`);
    let tagFilter: { key: string; value: string } | undefined;
    if (args.tag !== undefined) {
      tagFilter = splitTag(args.tag);
      if (tagFilter.key === "" || tagFilter.value === "") throw new CommandExit(EXIT_USAGE, `--tag "${args.tag}" has no ${tagFilter.key === "" ? "key" : "value"}; write key=value, e.g. role=master`);
    }
    const api = connectAgent(deps, args);
    const [response, nodes] = await Promise.all([api.members.$get(), nodeHealth(api)]);
    if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const members = (await response.json()).members
      .filter((m) => (!args.status || m.status === args.status) && (!tagFilter || m.tags[tagFilter.key] === tagFilter.value))
      .map((m) => ({ ...m, health: nodes.get(m.name)?.status ?? "unknown" }));
    if (isDataFormat(format)) {
      deps.out(renderData(format, { members }));
      return 0;
    }
    deps.out(memberTable(deps, members, nodes, format === "wide"));
    return 0;
  },
});

/** Each node's health from /status, by name; empty when the agent cannot say (the table then shows unknown). */
async function nodeHealth(api: AgentApi): Promise<Map<string, NodeStatusJson>> {
  try {
    const response = await api.status.$get({ query: {} });
    if (response.status !== 200 && response.status !== 503) return new Map();
    const body = await response.json();
    return new Map((body.nodes ?? []).map((node) => [node.name, node]));
  } catch {
    return new Map();
  }
}

function memberTable(deps: CliDeps, members: { name: string; addr: string; status: string; health: string; tags: Record<string, string> }[], nodes: Map<string, NodeStatusJson>, wide: boolean): string {
  const style = terminalStyle({ isTerminal: deps.isTerminal === true, env: deps.env });
  const header = ["NAME", "ADDRESS", "STATUS", "HEALTH", ...(wide ? ["PROBES", "REPORTED"] : []), "TAGS"];
  const rows = members.map((m) => {
    const node = nodes.get(m.name);
    const extra = wide ? [node ? probeCount(node.probes ?? []) : "-", node?.reported_at ?? "-"] : [];
    return [plainText(m.name), plainText(m.addr), m.status, m.health, ...extra, plainText(formatTags(m.tags))];
  });
  return formatTable(header, rows, (text, _row, column) => (column === 2 || column === 3 ? paintHealth(style, text) : text));
}
