import { defineCommand } from "citty";
import { formatDurationMs } from "../../config/duration.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { depsOf } from "../command-context.ts";
import { OUTPUT_ARGS, outputFormatOf } from "../output-format.ts";
import { printListing } from "../print-listing.ts";
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
    return printListing(deps, outputFormatOf(context.args, "table"), connectAgent(deps, context.args).detectors.$get(), (body, { nowMs, wide }) => {
      if (body.detectors.length === 0) return "no detectors configured (docs/detectors.md)";
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
      return `${formatTable(header, rows)}\n\nDetected tags: ${detected === "" ? "none" : detected}`;
    });
  },
});
