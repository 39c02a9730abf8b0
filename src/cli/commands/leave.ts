import { defineCommand } from "citty";
import { describeErrorAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { CommandExit, depsOf } from "../command-context.ts";

export const leaveCommand = defineCommand({
  meta: { name: "leave", description: "Ask the agent to leave the cluster gracefully (others see it as left, not failed); needs the API token when the agent has one" },
  args: { ...AGENT_CONNECTION_ARGS },
  async run(context) {
    const deps = depsOf(context);
    const response = await connectAgent(deps, context.args, 30_000).leave.$post();
    if (response.status !== 200) throw new CommandExit(1, `leave failed: ${await describeErrorAnswer(response)}`);
    deps.out("left the cluster");
    return 0;
  },
});
