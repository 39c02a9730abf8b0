import { defineCommand } from "citty";
import { systemCheckerDeps } from "../../checkers/deps.ts";
import { createCheckerKindCatalog } from "../../checkers/kind-catalog.ts";
import { ConfigError } from "../../config/config-error.ts";
import { type AgentConfig, loadAgentConfigLoadingKinds } from "../../config/load.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { configJsonSchema } from "../config-json-schema.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";

const validateSubcommand = defineCommand({
  meta: {
    name: "validate",
    description: "Check a config file as `satellite agent --config FILE` would, without starting anything: every problem with its key; exit 0 valid, 2 invalid",
  },
  args: { ...OUTPUT_ARGS, file: { type: "positional", required: true, valueHint: "FILE", description: "The YAML or JSON config file" } },
  async run(context) {
    const deps = depsOf(context);
    const file = context.args.file;
    const format = outputFormatOf(context.args, "table");
    let config: AgentConfig;
    try {
      // The file alone: flags and SATELLITE_* variables of this shell are not the agent's.
      config = await loadAgentConfigLoadingKinds(
        { flags: { config: file }, env: {}, readFile: deps.readFile, hostname: deps.hostname, cwd: deps.cwd() },
        createCheckerKindCatalog(systemCheckerDeps),
      );
    } catch (error) {
      // -o json|yaml: the problems as data for an editor or CI job; otherwise the usual message on stderr.
      if (!(error instanceof ConfigError) || !isDataFormat(format)) throw error;
      deps.out(renderData(format, { file, valid: false, problems: error.problems }));
      return EXIT_USAGE;
    }
    const summary = { file, valid: true, checks: config.checks.length, notifiers: config.notifiers.length };
    deps.out(isDataFormat(format) ? renderData(format, summary) : `${file}: valid (${summary.checks} check(s), ${summary.notifiers} notifier(s))`);
    return 0;
  },
});

const schemaSubcommand = defineCommand({
  meta: { name: "schema", description: "Print the JSON Schema of the config file (also docs/config.schema.json), for editors that check YAML and JSON as you type" },
  args: { output: OUTPUT_ARGS.output },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "json");
    if (format !== "json" && format !== "yaml") throw new CommandExit(EXIT_USAGE, `-o ${format}: the schema is a document; use -o json or -o yaml`);
    const schema = configJsonSchema(await createCheckerKindCatalog(systemCheckerDeps).loadAll());
    deps.out(format === "json" ? `${JSON.stringify(schema, null, 2)}` : renderData("yaml", schema));
    return 0;
  },
});

export const configCommand = defineCommand({
  meta: { name: "config", description: "Work with the agent's config file: `config validate FILE` checks one, `config schema` prints its JSON Schema" },
  subCommands: { validate: validateSubcommand, schema: schemaSubcommand },
});
