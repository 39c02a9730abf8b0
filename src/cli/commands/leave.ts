import { defineCommand } from "citty";
import { AGENT_ADDRESS_ARGS, callAgent, describeApiError } from "../agent-client.ts";
import { baseUrlOf, CommandExit, depsOf } from "../command-context.ts";

export const leaveCommand = defineCommand({
  meta: { name: "leave", description: "Ask the agent to leave the cluster gracefully (others see it as left, not failed)" },
  args: { ...AGENT_ADDRESS_ARGS },
  async run(context) {
    const deps = depsOf(context);
    const response = await callAgent(deps.fetch, baseUrlOf(context.args), "/leave", { method: "POST", timeoutMs: 30_000 });
    if (response.status !== 200) throw new CommandExit(1, `leave failed: ${describeApiError(response.body)}`);
    deps.out("left the cluster");
    return 0;
  },
});
