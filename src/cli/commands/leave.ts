import { defineCommand } from "citty";
import { describeErrorAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";

export const leaveCommand = defineCommand({
  meta: { name: "leave", description: "Ask the agent to leave the cluster gracefully (others see it as left, not failed) and stop; needs the API token when the agent has one" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const response = await connectAgent(deps, context.args, 30_000).leave.$post();
    if (response.status !== 200) throw new CommandExit(1, `leave failed: ${await describeErrorAnswer(response)}`);
    const body = await response.json();
    deps.out(isDataFormat(format) ? renderData(format, body) : "left the cluster");
    return 0;
  },
});
