import { defineCommand } from "citty";
import { describeErrorAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";

export const forceLeaveCommand = defineCommand({
  meta: {
    name: "force-leave",
    description:
      "Mark a failed member as left on every node, so it no longer degrades the cluster and is not retried (serf's force-leave); a member that is still alive refutes it and stays. Needs the API token when the agent has one",
  },
  args: {
    ...AGENT_CONNECTION_ARGS,
    ...OUTPUT_ARGS,
    prune: { type: "boolean", description: "Also forget the member now, instead of after --tombstone-timeout (default 24h)" },
    node: { type: "positional", required: false, valueHint: "NODE", description: "The member's name, as `satellite members` lists it" },
  },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const names = context.args._;
    if (names.length !== 1) throw new CommandExit(EXIT_USAGE, "name one member: satellite force-leave [--prune] NODE");
    const node = names[0] as string;
    const prune = context.args.prune === true;
    const response = await connectAgent(deps, context.args, 30_000)["force-leave"].$post({ json: { node, prune } });
    if (response.status !== 200) throw new CommandExit(1, `force-leave failed: ${await describeErrorAnswer(response)}`);
    const body = await response.json();
    deps.out(isDataFormat(format) ? renderData(format, body) : describeOutcome(node, body.status));
    return 0;
  },
});

function describeOutcome(node: string, status: string): string {
  switch (status) {
    case "forgotten":
      return `${node} was forced out and forgotten`;
    case "left":
      return `${node} is now left; it is forgotten after the tombstone timeout (or now with --prune)`;
    case "leaving":
      return `${node} is alive: it was asked to leave and will refute it unless it is shutting down`;
    case "alive":
      return `${node} is alive: it refuted the force-leave and stays in the cluster`;
    default:
      return `${node} is ${status}`;
  }
}
