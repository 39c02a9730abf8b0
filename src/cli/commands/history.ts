import { defineCommand } from "citty";
import { AGENT_ADDRESS_ARGS, callAgent, describeApiError } from "../agent-client.ts";
import { baseUrlOf, CommandExit, depsOf } from "../command-context.ts";
import { formatEventLine, type EventLine } from "../history-format.ts";

export const historyCommand = defineCommand({
  meta: { name: "history", description: "Print timeline events (state changes), newest first" },
  args: {
    ...AGENT_ADDRESS_ARGS,
    node: { type: "string", description: "Only events of this node", valueHint: "name" },
    probe: { type: "string", description: "Only events of this probe (check name)", valueHint: "name" },
    type: { type: "string", description: "Only this event type, e.g. ProbeFailed, NodeDegraded, ClusterDegraded", valueHint: "type" },
    since: { type: "string", description: "Only events since: a duration back (1h, 7d) or an RFC 3339 time", valueHint: "when" },
    limit: { type: "string", description: "At most this many events (default 1000)", valueHint: "n" },
    json: { type: "boolean", description: "Print JSON instead of lines" },
  },
  async run(context) {
    const deps = depsOf(context);
    const { args } = context;
    const params = new URLSearchParams();
    for (const key of ["node", "probe", "type", "since", "limit"] as const) {
      const value = args[key];
      if (value) params.set(key, value);
    }
    const query = params.size > 0 ? `?${params}` : "";
    const response = await callAgent(deps.fetch, baseUrlOf(args), `/history${query}`);
    if (response.status === 400) throw new CommandExit(2, describeApiError(response.body));
    if (response.status !== 200) throw new CommandExit(2, `the agent answered ${response.status}: ${describeApiError(response.body)}`);
    const events = (response.body as { events: EventLine[] }).events;
    if (args.json) deps.out(JSON.stringify({ events }));
    else if (events.length > 0) deps.out(events.map(formatEventLine).join("\n"));
    return 0;
  },
});
