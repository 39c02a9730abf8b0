import { defineCommand } from "citty";
import type { KvListEntryJson, KvWriteJson } from "../../api/kv-routes.ts";
import { KV_LIMITS } from "../../kv/kv-backend.ts";
import type { AgentApi } from "../agent-client.ts";
import { describeErrorAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import type { CliDeps } from "../cli-deps.ts";
import { EXIT_UNAVAILABLE, EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { formatTable } from "../table.ts";
import { plainText } from "../terminal-style.ts";

/** One key's endpoint (/kv/KEY) of the typed client: its routes are a wildcard, so each level of the key is one step of the path. */
interface KvKeyEndpoint {
  $get(): Promise<Response>;
  $put(args: undefined, options: { init: RequestInit }): Promise<Response>;
  $delete(): Promise<Response>;
}

function keyEndpoint(api: AgentApi, key: string): KvKeyEndpoint {
  const levels = key.split("/").map((level) => encodeURIComponent(level));
  // Hono's client drops a trailing `/index` from every path: a key ending in it is sent with the `i` percent-encoded.
  if (levels.at(-1) === "index") levels[levels.length - 1] = "%69ndex";
  let step = api.kv as unknown as Record<string, unknown>;
  for (const level of levels) step = step[level] as Record<string, unknown>;
  return step as unknown as KvKeyEndpoint;
}

/** A refusal (bad key, too large, etcd unusable, no quorum) exits 1 with the agent's words (the command's name goes first); anything unexpected 2. */
async function failOn(response: Response): Promise<never> {
  const known = [400, 404, 413, 502, 503].includes(response.status);
  throw new CommandExit(known ? 1 : 2, await describeErrorAnswer(response));
}

/** `kv get` exits 1 only for a key that does not exist, so a script can tell it from a store that cannot answer now. */
async function failGetOn(response: Response): Promise<never> {
  if (response.status === 502 || response.status === 503) throw new CommandExit(EXIT_UNAVAILABLE, await describeErrorAnswer(response));
  return failOn(response);
}

/** citty takes extra words silently; `kv list a b` listing `a` would hide a mistake. */
function refuseExtraWords(words: readonly string[], expected: number, usage: string): void {
  if (words.length > expected) throw new CommandExit(EXIT_USAGE, `too many arguments (${words.slice(expected).map((w) => JSON.stringify(w)).join(" ")}): ${usage}`);
}

const keyArg = { key: { type: "positional", required: true, valueHint: "KEY", description: "The key, e.g. app/config (`/` separates levels)" } } as const;

const getSubcommand = defineCommand({
  meta: { name: "get", description: "Print a key's value, raw, to stdout (exit 1: no such key; 3: the store cannot answer now, e.g. no quorum or etcd down)" },
  args: { ...AGENT_CONNECTION_ARGS, ...keyArg },
  async run(context) {
    const deps = depsOf(context);
    refuseExtraWords(context.args._, 1, "satellite kv get KEY");
    const response = await keyEndpoint(connectAgent(deps, context.args), context.args.key).$get();
    if (response.status !== 200) return failGetOn(response);
    writeRaw(deps, new Uint8Array(await response.arrayBuffer()));
    return 0;
  },
});

const putSubcommand = defineCommand({
  meta: { name: "put", description: `Write a key: VALUE as given, or - to read it from stdin (at most ${KV_LIMITS.valueBytesMax} bytes); prints the version once a majority of its replicas stored it` },
  args: {
    ...AGENT_CONNECTION_ARGS,
    ...OUTPUT_ARGS,
    ...keyArg,
    value: { type: "positional", required: true, valueHint: "VALUE|-", description: "The value, or - for stdin" },
  },
  async run(context) {
    const deps = depsOf(context);
    const { key, value } = context.args;
    refuseExtraWords(context.args._, 2, "satellite kv put KEY VALUE|- (quote a value with spaces)");
    let body: Uint8Array;
    if (value === "-") {
      if (!deps.readStdin) throw new CommandExit(EXIT_USAGE, "this process cannot read stdin; give the value as an argument");
      body = await deps.readStdin(KV_LIMITS.valueBytesMax + 1);
      if (body.length > KV_LIMITS.valueBytesMax) throw new CommandExit(1, `stdin holds more than ${KV_LIMITS.valueBytesMax} bytes, the value limit for ${key}`);
    } else body = new TextEncoder().encode(value);
    const response = await keyEndpoint(connectAgent(deps, context.args), key).$put(undefined, { init: { body: body as Uint8Array<ArrayBuffer> } });
    if (response.status !== 200) return failOn(response);
    return printWrite(deps, outputFormatOf(context.args, "table"), (await response.json()) as KvWriteJson);
  },
});

const deleteSubcommand = defineCommand({
  meta: { name: "delete", description: "Delete a key (a tombstone that replicates like a write)" },
  args: { ...AGENT_CONNECTION_ARGS, ...OUTPUT_ARGS, ...keyArg },
  async run(context) {
    const deps = depsOf(context);
    refuseExtraWords(context.args._, 1, "satellite kv delete KEY");
    const response = await keyEndpoint(connectAgent(deps, context.args), context.args.key).$delete();
    if (response.status !== 200) return failOn(response);
    return printWrite(deps, outputFormatOf(context.args, "table"), (await response.json()) as KvWriteJson);
  },
});

const listSubcommand = defineCommand({
  meta: { name: "list", description: "List the keys starting with PREFIX (all without one) with their versions and values; -o json as GET /kv/ answers" },
  args: {
    ...AGENT_CONNECTION_ARGS,
    ...OUTPUT_ARGS,
    prefix: { type: "positional", required: false, valueHint: "PREFIX", description: "Only keys starting with this" },
  },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    refuseExtraWords(context.args._, 1, "satellite kv list [PREFIX]");
    const prefix = context.args.prefix ?? "";
    const response = await connectAgent(deps, context.args).kv.$get({ query: { prefix } } as never);
    if (response.status !== 200) return failOn(response as unknown as Response);
    const body = (await response.json()) as { entries: KvListEntryJson[]; truncated: boolean };
    if (isDataFormat(format)) {
      deps.out(renderData(format, body));
      return 0;
    }
    const rows = body.entries.map((e) => [plainText(e.key), e.version, e.encoding === "utf8" ? plainText(oneLine(e.value)) : `<${Buffer.from(e.value, "base64").length} bytes>`]);
    deps.out(rows.length === 0 ? `no keys${prefix ? ` starting with ${JSON.stringify(prefix)}` : ""}` : formatTable(["KEY", "VERSION", "VALUE"], rows));
    if (body.truncated) deps.err(`more keys match than one list carries (${KV_LIMITS.listEntriesMax}): give a longer prefix`);
    return 0;
  },
});

export const kvCommand = defineCommand({
  meta: { name: "kv", description: "The cluster's key-value store (docs/kv.md): `kv get KEY`, `kv put KEY VALUE|-`, `kv delete KEY`, `kv list [PREFIX]`. Writes need the API token when the agent has one" },
  subCommands: { get: getSubcommand, put: putSubcommand, delete: deleteSubcommand, list: listSubcommand },
});

function printWrite(deps: CliDeps, format: ReturnType<typeof outputFormatOf>, body: KvWriteJson): number {
  if (isDataFormat(format)) deps.out(renderData(format, body));
  else deps.out(`${plainText(body.key)} ${body.version} (stored by ${body.acked} of ${body.replicas} replicas)`);
  return 0;
}

function writeRaw(deps: CliDeps, bytes: Uint8Array): void {
  if (deps.writeOut) deps.writeOut(bytes);
  else deps.out(new TextDecoder().decode(bytes).replace(/\n$/, ""));
}

/** A value in one table cell: its first line, shortened. */
function oneLine(value: string): string {
  const first = value.split("\n")[0] ?? "";
  const cut = first.length > 60 ? `${first.slice(0, 57)}...` : first;
  return value.includes("\n") ? `${cut} ...` : cut;
}
