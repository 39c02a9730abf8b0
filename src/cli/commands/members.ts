import { defineCommand } from "citty";
import { describeUnexpectedAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { formatTable } from "../table.ts";

export const membersCommand = defineCommand({
  meta: { name: "members", description: "List the cluster's members as this agent sees them" },
  args: {
    ...AGENT_CONNECTION_ARGS,
    status: { type: "string", description: "Only members in this state: alive, leaving, left, failed", valueHint: "state" },
    tag: { type: "string", description: "Only members with this tag, key=value (e.g. role=master)", valueHint: "key=value" },
    json: { type: "boolean", description: "Print JSON instead of a table" },
  },
  async run(context) {
    const deps = depsOf(context);
    const { args } = context;
    if (args.status && !["alive", "leaving", "left", "failed"].includes(args.status)) throw new CommandExit(2, `--status "${args.status}" must be one of alive, leaving, left, failed`);
    let tagFilter: [string, string] | undefined;
    if (args.tag) {
      const at = args.tag.search(/[=:]/);
      if (at < 1) throw new CommandExit(2, `--tag "${args.tag}" must be key=value, e.g. role=master`);
      tagFilter = [args.tag.slice(0, at), args.tag.slice(at + 1)];
    }
    const response = await connectAgent(deps, args).members.$get();
    if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const members = (await response.json()).members.filter(
      (m) => (!args.status || m.status === args.status) && (!tagFilter || m.tags[tagFilter[0]] === tagFilter[1]),
    );
    if (args.json) {
      deps.out(JSON.stringify({ members }));
      return 0;
    }
    const rows = members.map((m) => [m.name, m.addr, m.status, Object.entries(m.tags).map(([k, v]) => `${k}=${v}`).join(",")]);
    deps.out(formatTable(["NAME", "ADDRESS", "STATUS", "TAGS"], rows));
    return 0;
  },
});
