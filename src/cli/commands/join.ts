import { defineCommand } from "citty";
import { AGENT_ADDRESS_ARGS, callAgent, describeApiError } from "../agent-client.ts";
import { baseUrlOf, CommandExit, depsOf } from "../command-context.ts";

export const joinCommand = defineCommand({
  meta: { name: "join", description: "Ask the agent to join the cluster through one or more peers (host:port of their gossip port)" },
  args: { ...AGENT_ADDRESS_ARGS },
  async run(context) {
    const deps = depsOf(context);
    const addresses = context.args._;
    if (addresses.length === 0) throw new CommandExit(2, "name at least one peer: satellite join HOST[:PORT] ...");
    const response = await callAgent(deps.fetch, baseUrlOf(context.args), "/join", { method: "POST", body: { addresses }, timeoutMs: 30_000 });
    if (response.status !== 200) throw new CommandExit(1, `join failed: ${describeApiError(response.body)}`);
    deps.out(`joined ${(response.body as { joined: number }).joined} of ${addresses.length} peer(s)`);
    return 0;
  },
});
