import { defineCommand } from "citty";
import { parseEventFilterList } from "../../events/event-filter.ts";
import { systemClock } from "../../platform/clock.ts";
import { agentBaseUrl, AGENT_CONNECTION_ARGS, apiTokenOf, tlsOf } from "../agent-connection.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { formatEventLine, jsonLine } from "../event-line.ts";
import { OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { watchEvents } from "../event-watch.ts";
import type { SseMessage } from "../sse-parser.ts";

export const watchCommand = defineCommand({
  meta: {
    name: "watch",
    description: "Print the agent's events as they happen, one line each (or --json), until interrupted; reconnects by itself and resumes where it left off; exit 2 when the agent cannot be reached at start",
  },
  args: {
    ...AGENT_CONNECTION_ARGS,
    types: { type: "string", description: "Only these: a comma list of kinds (probe, node, cluster, user, agent) or type names (ProbeFailed, NodeFailed, ...)", valueHint: "types" },
    ...OUTPUT_ARGS,
    output: { ...OUTPUT_ARGS.output, description: "Output format: table or wide (one line per event), json (one object per line) or yaml (one document per event)" },
  },
  async run(context) {
    const deps = depsOf(context);
    const { args } = context;
    const format = outputFormatOf(args, "table");
    const baseUrl = agentBaseUrl(args, deps.env);
    if (typeof baseUrl !== "string") throw new CommandExit(EXIT_USAGE, baseUrl.error);
    // Checked here, as the agent would, so the message names the flag rather than the API's parameter.
    const types = args.types === undefined ? undefined : parseEventFilterList(args.types);
    if (types !== undefined && !types.ok) throw new CommandExit(EXIT_USAGE, `--types: ${types.error}; e.g. --types probe,NodeFailed`);
    const stop = new AbortController();
    void deps.waitForStopSignal().then(() => stop.abort());
    const print = (message: SseMessage) => {
      if (message.event === "gap") {
        deps.err(`satellite watch: ${describeGap(message.data)}`);
        return;
      }
      let event: unknown;
      try {
        event = JSON.parse(message.data);
      } catch {
        deps.err(`satellite watch: the agent sent an event that is not JSON (id ${message.id ?? "none"}); skipped`);
        return;
      }
      if (!isEventShape(event)) {
        deps.err(`satellite watch: the agent sent an event without type and ts (id ${message.id ?? "none"}); skipped`);
        return;
      }
      deps.out(format === "json" ? jsonLine(event) : format === "yaml" ? `---\n${renderData("yaml", event)}` : formatEventLine(event));
    };
    await watchEvents({
      fetch: deps.fetch,
      baseUrl,
      apiToken: apiTokenOf(args, deps.env, deps.readFile),
      tls: tlsOf(args, baseUrl, deps.readFile),
      types: args.types,
      clock: deps.clock ?? systemClock,
      stop: stop.signal,
      onMessage: print,
      onNotice: (text) => deps.err(`satellite watch: ${text}`),
    });
    return 0;
  },
});

function isEventShape(value: unknown): value is { type: string; ts: number } & Record<string, unknown> {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string" && typeof (value as { ts?: unknown }).ts === "number";
}

/** The agent's `gap` notice (api/sse-message.ts) as a sentence. */
function describeGap(data: string): string {
  let gap: { reason?: unknown; missed?: unknown } = {};
  try {
    gap = JSON.parse(data) as typeof gap;
  } catch {
    // Shown as an unknown gap below.
  }
  const missed = typeof gap.missed === "number" && gap.missed > 0 ? `${gap.missed} event(s)` : "events";
  switch (gap.reason) {
    case "restarted":
      return "the agent restarted: events from before the restart and while it was down are not shown";
    case "forgotten":
      return `missed ${missed}: the agent no longer keeps them (it keeps the last 1,000)`;
    case "slow":
      return `missed ${missed}: this terminal or pipe read too slowly`;
    default:
      return `missed ${missed}`;
  }
}
