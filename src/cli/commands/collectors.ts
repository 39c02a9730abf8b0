import { defineCommand } from "citty";
import { flattenValues, formatValuePath, type ValueTree } from "../../collectors/collected-values.ts";
import { formatDurationMs } from "../../config/duration.ts";
import { describeErrorAnswer, describeUnexpectedAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { printListing } from "../print-listing.ts";
import { formatTable } from "../table.ts";
import { plainText } from "../terminal-style.ts";
import { formatAgo } from "./checks.ts";

const listSubcommand = defineCommand({
  meta: { name: "list", description: "List the host value collectors: whether each runs now, when it last collected and how many values it has" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS },
  async run(context) {
    const deps = depsOf(context);
    return printListing(deps, outputFormatOf(context.args, "table"), connectAgent(deps, context.args).collectors.$get(), (body, { nowMs, wide }) => {
      const header = ["NAME", "ACTIVE", "INTERVAL", "LAST COLLECTED", "VALUES", ...(wide ? ["DESCRIPTION"] : []), "ERROR"];
      const rows = body.collectors.map((c) => [
        plainText(c.name),
        c.active ? "yes" : "no",
        formatDurationMs(c.intervalMs),
        formatAgo(c.lastCollectedAtMs, nowMs),
        String(c.valueCount),
        ...(wide ? [plainText(c.description)] : []),
        plainText(c.error ?? ""),
      ]);
      return formatTable(header, rows);
    });
  },
});

const showSubcommand = defineCommand({
  meta: { name: "show", description: "Print one collector's values, one `name value` per line (starts it when it is not running: rates appear a second later)" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS, name: { type: "positional", required: true, valueHint: "NAME", description: "The collector's name, as `satellite collectors list` lists it" } },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const response = await connectAgent(deps, context.args).collectors[":name"].$get({ param: { name: encodeURIComponent(context.args.name) } });
    if (response.status === 404) throw new CommandExit(2, await describeErrorAnswer(response));
    if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const body = await response.json();
    if (isDataFormat(format)) {
      deps.out(renderData(format, body));
      return 0;
    }
    const collector = body.collector;
    if (collector.error) throw new CommandExit(1, `collector ${collector.name} failed: ${plainText(collector.error)}`);
    const lines = flattenValues(collector.values as ValueTree).map(([path, value]) => `${plainText(formatValuePath(path))} ${plainText(String(value))}`);
    if (lines.length === 0) lines.push(collector.samples < 2 ? `no values yet: ${collector.name} reports rates from its second sample; run again in a second` : `${collector.name} has no values on this host`);
    deps.out(lines.join("\n"));
    return 0;
  },
});

export const collectorsCommand = defineCommand({
  meta: { name: "collectors", description: "The host value collectors evaluated checks read (docs/collectors.md): `collectors list`, `collectors show NAME`" },
  subCommands: { list: listSubcommand, show: showSubcommand },
});
