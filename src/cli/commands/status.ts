import { defineCommand } from "citty";
import { describeUnexpectedAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { EXIT_DEGRADED, EXIT_OK } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";

export const statusCommand = defineCommand({
  meta: { name: "status", description: "Print the cluster status JSON; exit 0 running, 1 degraded, 2 agent unreachable" },
  args: {
    ...AGENT_CONNECTION_ARGS,
    pretty: { type: "boolean", description: "Indent the JSON" },
    local: { type: "boolean", description: "Only this node's status (GET /local)" },
    details: { type: "boolean", description: "Ask every node over gossip for its probes in full, per-peer measurements and latest numbers" },
  },
  async run(context) {
    const deps = depsOf(context);
    const { args } = context;
    const api = connectAgent(deps, args);
    const response = args.local ? await api.local.$get() : await api.status.$get({ query: args.details ? { details: "" } : {} });
    if (response.status !== 200 && response.status !== 503) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const body = await response.json();
    deps.out(JSON.stringify(body, null, args.pretty ? 2 : undefined));
    return body.status === "running" ? EXIT_OK : EXIT_DEGRADED;
  },
});
