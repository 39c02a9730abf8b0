import { defineCommand } from "citty";
import type { EventQueryText } from "../../api/history-query.ts";
import { describeErrorAnswer, describeUnexpectedAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { formatEventLine } from "../history-format.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";

export const historyCommand = defineCommand({
  meta: { name: "history", description: "Print timeline events (state changes), newest first, with why each probe failed; -o wide adds the states before and after" },
  args: {
    ...AGENT_CONNECTION_ARGS,
    node: { type: "string", description: "Only events of this node", valueHint: "name" },
    probe: { type: "string", description: "Only events of this probe (check name)", valueHint: "name" },
    type: { type: "string", description: "Only this event type, e.g. ProbeFailed, NodeDegraded, ClusterDegraded", valueHint: "type" },
    since: { type: "string", description: "Only events since: a duration back (1h, 7d), an RFC 3339 time or Unix milliseconds", valueHint: "when" },
    limit: { type: "string", description: "At most this many events, 1-100000 (default 1000)", valueHint: "n" },
    ...OUTPUT_ARGS,
  },
  async run(context) {
    const deps = depsOf(context);
    const { args } = context;
    const format = outputFormatOf(args, "table");
    const query: EventQueryText = {};
    for (const key of ["node", "probe", "type", "since", "limit"] as const) {
      const value = args[key];
      if (value) query[key] = value;
    }
    const response = await connectAgent(deps, args).history.$get({ query });
    if (response.status === 400) throw new CommandExit(2, await describeErrorAnswer(response));
    if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const { events } = await response.json();
    if (isDataFormat(format)) deps.out(renderData(format, { events }));
    else if (events.length > 0) deps.out(events.map((event) => formatEventLine(event, format === "wide")).join("\n"));
    return 0;
  },
});
