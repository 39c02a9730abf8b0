import { defineCommand } from "citty";
import { AGENT_ADDRESS_ARGS, callAgent, describeApiError } from "../agent-client.ts";
import { EXIT_DEGRADED, EXIT_OK } from "../cli-deps.ts";
import { baseUrlOf, CommandExit, depsOf } from "../command-context.ts";

export const statusCommand = defineCommand({
  meta: { name: "status", description: "Print the cluster status JSON; exit 0 running, 1 degraded, 2 agent unreachable" },
  args: {
    ...AGENT_ADDRESS_ARGS,
    pretty: { type: "boolean", description: "Indent the JSON" },
    local: { type: "boolean", description: "Only this node's status (GET /local)" },
    details: { type: "boolean", description: "Ask remote nodes that expose their API for their full probe details" },
  },
  async run(context) {
    const deps = depsOf(context);
    const { args } = context;
    const response = await callAgent(deps.fetch, baseUrlOf(args), args.local ? "/local" : args.details ? "/status?details" : "/status");
    if (response.status !== 200 && response.status !== 503) throw new CommandExit(2, `the agent answered ${response.status}: ${describeApiError(response.body)}`);
    deps.out(JSON.stringify(response.body, null, args.pretty ? 2 : undefined));
    const status = (response.body as { status?: string }).status;
    return status === "running" ? EXIT_OK : EXIT_DEGRADED;
  },
});
