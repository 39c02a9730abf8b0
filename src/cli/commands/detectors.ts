import { defineCommand } from "citty";
import { formatDurationMs } from "../../config/duration.ts";
import { systemClock } from "../../platform/clock.ts";
import { describeUnexpectedAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { formatTable } from "../table.ts";
import { plainText } from "../terminal-style.ts";
import { formatAgo } from "./checks.ts";

const tagList = (tags: Record<string, string>): string =>
  Object.entries(tags)
    .map(([key, value]) => `${plainText(key)}=${plainText(value)}`)
    .join(",");

export const detectorsCommand = defineCommand({
  meta: { name: "detectors", description: "List the detectors: whether each applies on this node, the tags it sets, when it last ran; and the detected tags gossiped now" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const response = await connectAgent(deps, context.args).detectors.$get();
    if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const body = await response.json();
    if (isDataFormat(format)) {
      deps.out(renderData(format, body));
      return 0;
    }
    if (body.detectors.length === 0) {
      deps.out("no detectors configured (docs/detectors.md)");
      return 0;
    }
    const nowMs = (deps.clock ?? systemClock).nowMs();
    const wide = format === "wide";
    const header = ["NAME", "APPLIES", "TAGS", "INTERVAL", "LAST RUN", ...(wide ? ["APPLY IF"] : []), "ERROR"];
    const rows = body.detectors.map((d) => [
      plainText(d.name),
      d.applies === undefined ? "-" : d.applies ? "yes" : "no",
      tagList(d.tags),
      formatDurationMs(d.intervalMs),
      formatAgo(d.lastRunAtMs, nowMs),
      ...(wide ? [plainText(d.applyIf)] : []),
      plainText(d.error ?? ""),
    ]);
    const detected = tagList(body.tags);
    deps.out(`${formatTable(header, rows)}\n\nDetected tags: ${detected === "" ? "none" : detected}`);
    return 0;
  },
});
