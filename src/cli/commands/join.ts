import { defineCommand } from "citty";
import { describeErrorAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";

export const joinCommand = defineCommand({
  meta: {
    name: "join",
    description: "Ask the agent to join the cluster through one or more peers (their gossip address; a DNS name is tried at each address it resolves to); needs the API token when the agent has one",
  },
  args: {
    ...AGENT_CONNECTION_ARGS,
    ...OUTPUT_ARGS,
    peers: { type: "positional", required: false, valueHint: "HOST[:PORT]...", description: "Peers' gossip addresses: host, host:port, [ipv6]:port, name:host[:port] (port 7946 when none)" },
  },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const addresses = context.args._;
    if (addresses.length === 0) throw new CommandExit(EXIT_USAGE, "name at least one peer: satellite join HOST[:PORT]...");
    const response = await connectAgent(deps, context.args, 30_000).join.$post({ json: { addresses } });
    if (response.status !== 200) throw new CommandExit(1, `join failed: ${await describeErrorAnswer(response)}`);
    const body = await response.json();
    // A name counts once per address it resolved to that answered (a headless Service: every pod).
    deps.out(isDataFormat(format) ? renderData(format, body) : `joined: ${body.joined} peer(s) answered`);
    return 0;
  },
});
