import { defineCommand } from "citty";
import { parseDurationMs } from "../../config/duration.ts";
import { describeErrorAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { plainText } from "../terminal-style.ts";
import { repeatedFlagValues } from "./agent.ts";

/** The API answers after the query's timeout; the request may take that long plus this. */
const ANSWER_MARGIN_MS = 10_000;

export const queryCommand = defineCommand({
  meta: {
    name: "query",
    description:
      "Send a serf query to the cluster and print the acks and responses (serf query: real serf agents answer it too); members filtered by --node and --tag. Needs the API token when the agent has one",
  },
  args: {
    ...AGENT_CONNECTION_ARGS,
    ...OUTPUT_ARGS,
    tag: { type: "string", valueHint: "KEY=REGEXP", description: "Only members whose tag matches the regular expression (RE2, unanchored) answer; repeat for more tags" },
    node: { type: "string", valueHint: "NAME", description: "Only this member answers; repeat for more members" },
    timeout: { type: "string", valueHint: "DURATION", description: "How long to collect answers (default: serf's, gossip interval x 16 x log10(members + 1))" },
    "relay-factor": { type: "string", valueHint: "0-5", description: "Answers also come back through this many other members, for lossy networks (default 0)" },
    ack: { type: "boolean", default: true, negativeDescription: "Do not ask members to acknowledge receipt", description: "Ask members to acknowledge receipt" },
    name: { type: "positional", required: false, valueHint: "NAME", description: "The query's name, as the answering handlers know it" },
    payload: { type: "positional", required: false, valueHint: "PAYLOAD", description: "Text sent with the query" },
  },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const [name, payload = "", ...rest] = context.args._ as string[];
    if (!name || rest.length > 0) throw new CommandExit(EXIT_USAGE, "name one query and at most one payload: satellite query NAME [PAYLOAD] [--tag KEY=REGEXP]... [--node NAME]...");
    const tags: Record<string, string> = {};
    for (const t of repeatedFlagValues(context.rawArgs, "tag")) {
      const eq = t.indexOf("=");
      if (eq <= 0) throw new CommandExit(EXIT_USAGE, `--tag ${t}: expected KEY=REGEXP, e.g. --tag role=^master$`);
      tags[t.slice(0, eq)] = t.slice(eq + 1);
    }
    const nodes = repeatedFlagValues(context.rawArgs, "node");
    let timeoutMs: number | undefined;
    if (typeof context.args.timeout === "string") {
      timeoutMs = parseDurationMs(context.args.timeout);
      if (timeoutMs === undefined) throw new CommandExit(EXIT_USAGE, `--timeout ${context.args.timeout}: expected a duration such as 5s or 500ms`);
      if (timeoutMs <= 0) throw new CommandExit(EXIT_USAGE, `--timeout ${context.args.timeout}: a query needs time to collect answers: give more than 0, such as 5s`);
    }
    const ack = context.args.ack !== false;
    const relayText = context.args["relay-factor"];
    const relayFactor = relayText === undefined ? 0 : Number(relayText);
    if (!Number.isInteger(relayFactor) || relayFactor < 0 || relayFactor > 5) throw new CommandExit(EXIT_USAGE, `--relay-factor ${relayText}: expected an integer from 0 to 5`);
    const response = await connectAgent(deps, context.args, (timeoutMs ?? 60_000) + ANSWER_MARGIN_MS).query.$post({ json: { name, payload, nodes, tags, timeoutMs, ack, relayFactor } });
    // 400: the agent refused what was asked (a name, a tag expression, a timeout): the caller's to fix.
    const status: number = response.status;
    if (status === 400) throw new CommandExit(EXIT_USAGE, `query refused: ${await describeErrorAnswer(response)}`);
    if (response.status !== 200) throw new CommandExit(1, `query failed: ${await describeErrorAnswer(response)}`);
    const body = await response.json();
    if (isDataFormat(format)) {
      deps.out(renderData(format, body));
      return 0;
    }
    const lines = [`Query '${plainText(name)}' dispatched`];
    for (const from of body.acks ?? []) lines.push(`Ack from '${plainText(from)}'`);
    for (const r of body.responses) lines.push(`Response from '${plainText(r.from)}': ${plainText(r.payload)}`);
    if (ack) lines.push(`Total Acks: ${body.acks?.length ?? 0}`);
    lines.push(`Total Responses: ${body.responses.length}`);
    deps.out(lines.join("\n"));
    // serf says nothing when a named node never heard the query; a misspelt --node looks like silence.
    if (ack) {
      const heard = new Set([...(body.acks ?? []), ...body.responses.map((r) => r.from)]);
      const silent = nodes.filter((n) => !heard.has(n));
      if (silent.length > 0) deps.err(`no acknowledgment from ${silent.map((n) => `'${plainText(n)}'`).join(", ")}: not a member, not alive, or the query was lost (see satellite members)`);
    }
    return 0;
  },
});
