import { defineCommand } from "citty";
import type { KeyOperationResult } from "../../cluster/serf-key-manager.ts";
import { parseKeyBase64 } from "../../membership/wire/keyring.ts";
import { describeError } from "../../platform/errors.ts";
import { describeErrorAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import type { CliDeps } from "../cli-deps.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData, type OutputFormat } from "../output-format.ts";
import { plainText } from "../terminal-style.ts";

/** A key query waits serf's default timeout at most; the request may take that long plus this. */
const KEYS_REQUEST_TIMEOUT_MS = 60_000;

const WORDS = {
  install: { doing: "Installing key on all members...", done: "Successfully installed key!", failed: "Error installing key" },
  use: { doing: "Changing primary key on all members...", done: "Successfully changed primary key!", failed: "Error changing primary key" },
  remove: { doing: "Removing key on all members...", done: "Successfully removed key!", failed: "Error removing key" },
} as const;

/** `failed: NODE MESSAGE` per member, then the error, as serf keys prints them; exit 1. */
function failure(deps: CliDeps, what: string, result: KeyOperationResult): never {
  for (const [node, message] of Object.entries(result.messages)) deps.err(`failed: ${plainText(node)}  ${plainText(message)}`);
  throw new CommandExit(1, `${what}: ${result.error ?? "unknown error"}`);
}

function keyChange(op: "install" | "use" | "remove") {
  return defineCommand({
    meta: { name: op, description: `${op === "install" ? "Install a key on" : op === "use" ? "Make an installed key primary on" : "Remove a key from"} every member's keyring (serf keys -${op})` },
    args: {
      ...AGENT_CONNECTION_ARGS,
      ...OUTPUT_ARGS,
      key: { type: "positional", required: false, valueHint: "KEY|-", description: "The base64 key (`satellite keygen` makes one), or - to read it from stdin (it then stays out of `ps` and shell history)" },
    },
    async run(context) {
      const deps = depsOf(context);
      const format: OutputFormat = outputFormatOf(context.args, "table");
      const [given, ...rest] = context.args._ as string[];
      if (!given || rest.length > 0) throw new CommandExit(EXIT_USAGE, `name one key: satellite keys ${op} KEY (or - to read it from stdin)`);
      let key = given;
      if (given === "-") {
        if (!deps.readStdin) throw new CommandExit(EXIT_USAGE, "this process cannot read stdin; give the key as an argument");
        // A key file or `satellite keygen` output: the key and perhaps a newline; anything far longer is no key.
        key = new TextDecoder().decode(await deps.readStdin(1024)).trim();
      }
      // Checked before anything is sent or announced: a mistyped key is the caller's, not the cluster's.
      try {
        parseKeyBase64(key, "KEY");
      } catch (error) {
        throw new CommandExit(EXIT_USAGE, `${describeError(error)}: give the exact output of \`satellite keygen\` (44 characters for a 32-byte key)`);
      }
      if (!isDataFormat(format)) deps.err(`==> ${WORDS[op].doing}`);
      const response = await connectAgent(deps, context.args, KEYS_REQUEST_TIMEOUT_MS).keys[op].$post({ json: { key } });
      if (response.status !== 200) throw new CommandExit(1, `${WORDS[op].failed}: ${await describeErrorAnswer(response)}`);
      const result = await response.json();
      if (isDataFormat(format)) deps.out(renderData(format, result));
      if (result.error !== undefined) failure(deps, WORDS[op].failed, result);
      if (!isDataFormat(format)) deps.out(`==> ${WORDS[op].done}`);
      return 0;
    },
  });
}

const listSubcommand = defineCommand({
  meta: { name: "list", description: "List the keys installed across the cluster and on how many members each is (serf keys -list); shows key material, so it needs what a mutation needs" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    if (!isDataFormat(format)) deps.err("==> Asking all members for installed keys...");
    const response = await connectAgent(deps, context.args, KEYS_REQUEST_TIMEOUT_MS).keys.$get();
    if (response.status !== 200) throw new CommandExit(1, `Failed to gather member keys: ${await describeErrorAnswer(response)}`);
    const result = await response.json();
    if (isDataFormat(format)) deps.out(renderData(format, result));
    if (result.error !== undefined) failure(deps, "Failed to gather member keys", result);
    if (!isDataFormat(format)) {
      deps.out(Object.entries(result.keys).map(([key, count]) => `${plainText(key)}  [${count}/${result.numNodes}]`).join("\n"));
    }
    return 0;
  },
});

export const keysCommand = defineCommand({
  meta: { name: "keys", description: "Rotate the gossip encryption keys of the whole cluster, serf agents included (serf keys); needs the API token when the agent has one" },
  subCommands: { install: keyChange("install"), use: keyChange("use"), remove: keyChange("remove"), list: listSubcommand },
});
