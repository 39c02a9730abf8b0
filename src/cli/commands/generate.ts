import { defineCommand } from "citty";
import { formatDurationMs } from "../../config/duration.ts";
import { systemClock } from "../../platform/clock.ts";
import { describeErrorAnswer, describeUnexpectedAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { formatTable } from "../table.ts";
import { plainText } from "../terminal-style.ts";
import { formatAgo } from "./checks.ts";

export const generateCommand = defineCommand({
  meta: {
    name: "generate",
    description:
      "Render a config generator now (docs/generators.md): writes its file when the text changed and runs its command after the debounce; --dry-run prints what would be written and changes nothing. Without a name, lists the generators. Needs the API token when the agent has one",
  },
  args: {
    ...AGENT_CONNECTION_ARGS,
    ...OUTPUT_ARGS,
    "dry-run": { type: "boolean", description: "Print the rendered file instead of writing it; stderr says whether it differs from the file on disk" },
    name: { type: "positional", required: false, valueHint: "NAME", description: "The generator's name, as `satellite generate` lists it" },
  },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const names = context.args._;
    if (names.length > 1) throw new CommandExit(EXIT_USAGE, "name one generator: satellite generate [--dry-run] NAME");
    const api = connectAgent(deps, context.args, 30_000);
    const name = names[0];
    if (name === undefined) {
      const response = await api.generators.$get();
      if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
      const body = await response.json();
      if (isDataFormat(format)) deps.out(renderData(format, body));
      else if (body.generators.length === 0) deps.out("no generators configured (docs/generators.md)");
      else {
        const nowMs = (deps.clock ?? systemClock).nowMs();
        const rows = body.generators.map((g) => [
          plainText(g.name),
          plainText(g.target),
          formatAgo(g.lastRenderAtMs, nowMs),
          formatAgo(g.lastWriteAtMs, nowMs),
          g.lastCommand === undefined ? (g.command === undefined ? "-" : "not run") : g.lastCommand.ok ? "ok" : `failed (${g.lastCommand.exitCode ?? "killed"})`,
          g.command === undefined ? "-" : formatDurationMs(g.debounceMs),
          plainText(g.lastError ?? g.lastCommand?.error ?? ""),
        ]);
        deps.out(formatTable(["NAME", "TARGET", "RENDERED", "WRITTEN", "COMMAND", "DEBOUNCE", "ERROR"], rows));
      }
      return 0;
    }
    const dryRun = context.args["dry-run"] === true;
    const response = await api.generators[":name"].render.$post({ param: { name }, query: dryRun ? { dryRun: "1" } : {} });
    // The mutation guard's 403 is not in the route's type: it answers before the route.
    const status: number = response.status;
    // A name that cannot be a generator's is the caller's mistake (usage); an unknown one exits 1 like a failed render.
    if (status === 400) throw new CommandExit(EXIT_USAGE, `generate ${name}: ${await describeErrorAnswer(response)}`);
    if (status === 404 || status === 403) throw new CommandExit(1, `generate ${name}: ${await describeErrorAnswer(response)}`);
    if (response.status !== 200 && response.status !== 422) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    const body = await response.json();
    if (isDataFormat(format)) {
      deps.out(renderData(format, body));
      return body.ok ? 0 : 1;
    }
    if (!body.ok) throw new CommandExit(1, body.error ?? `generator ${name} failed`);
    if (dryRun) {
      // The file as it would be written, byte for byte (out adds the final newline back).
      deps.out((body.content ?? "").replace(/\n$/, ""));
      deps.err(body.result === "unchanged" ? `${body.target} is up to date` : `${body.target} would change`);
      return 0;
    }
    deps.out(body.result === "written" ? `${body.target} written` : `${body.target} is up to date: nothing written`);
    return 0;
  },
});
