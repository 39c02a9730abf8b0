import { defineCommand } from "citty";
import { describeErrorAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { CommandExit, depsOf } from "../command-context.ts";

export const joinCommand = defineCommand({
  meta: { name: "join", description: "Ask the agent to join the cluster through one or more peers (host:port of their gossip port); needs the API token when the agent has one" },
  args: { ...AGENT_CONNECTION_ARGS },
  async run(context) {
    const deps = depsOf(context);
    const addresses = context.args._;
    if (addresses.length === 0) throw new CommandExit(2, "name at least one peer: satellite join HOST[:PORT] ...");
    const response = await connectAgent(deps, context.args, 30_000).join.$post({ json: { addresses } });
    if (response.status !== 200) throw new CommandExit(1, `join failed: ${await describeErrorAnswer(response)}`);
    deps.out(`joined ${(await response.json()).joined} of ${addresses.length} peer(s)`);
    return 0;
  },
});
