import { defineCommand } from "citty";
import { ARG_CHARS_MAX, ARGV_WORDS_MAX } from "../../api/exec-routes.ts";
import type { ExecNodeAnswer } from "../../api/exec-routes.ts";
import { parseDurationMs } from "../../config/duration.ts";
import { assertNever } from "../../platform/assert-never.ts";
import { describeErrorAnswer } from "../agent-client.ts";
import { AGENT_CONNECTION_ARGS, connectAgent } from "../agent-connection.ts";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";
import { plainText } from "../terminal-style.ts";

/** How long the CLI waits for the agent past the exec timeout: the query's margin and the way back. */
const ANSWER_MARGIN_MS = 5_000;

export const execCommand = defineCommand({
  meta: {
    name: "exec",
    description:
      "Run a command on the nodes that match, over serf queries, and print each node's output and exit code. A node runs only what its exec.allow lists, when it enabled exec (docs/exec.md). Needs the API token when the agent has one",
  },
  args: {
    ...AGENT_CONNECTION_ARGS,
    ...OUTPUT_ARGS,
    tag: { type: "string", description: "Only nodes with this tag value (exactly); repeat for several, all must match", valueHint: "key=value" },
    node: { type: "string", description: "Only this node; repeat for several", valueHint: "NAME" },
    timeout: { type: "string", description: "The longest the command runs on each node (a node's exec.timeout may be shorter; default 10s)", valueHint: "duration" },
    command: { type: "positional", required: false, valueHint: "-- CMD [ARG]...", description: "The command and its arguments, after --" },
  },
  async run(context) {
    const deps = depsOf(context);
    const format = outputFormatOf(context.args, "table");
    const { argv, flags } = splitAtDoubleDash(context.rawArgs);
    if (argv.length === 0) throw new CommandExit(EXIT_USAGE, "name the command after --: satellite exec [--tag KEY=VALUE] [--node NAME] -- CMD [ARG]...");
    const problem = argvProblem(argv);
    if (problem) throw new CommandExit(EXIT_USAGE, problem);
    const tags = tagsOf(repeated(flags, "tag"));
    const nodes = repeated(flags, "node");
    const timeoutText = typeof context.args.timeout === "string" ? context.args.timeout : "10s";
    const timeoutMs = parseDurationMs(timeoutText);
    if (timeoutMs === undefined || timeoutMs < 100 || timeoutMs > 600_000) throw new CommandExit(EXIT_USAGE, `--timeout "${timeoutText}" must be a duration from 100ms to 10m, e.g. 30s`);
    const json = { argv, timeoutMs: Math.round(timeoutMs), ...(Object.keys(tags).length > 0 ? { tags } : {}), ...(nodes.length > 0 ? { nodes } : {}) };
    const response = await connectAgent(deps, context.args, timeoutMs + ANSWER_MARGIN_MS).exec.$post({ json });
    if (response.status !== 200) throw new CommandExit(1, `exec failed: ${await describeErrorAnswer(response)}`);
    const answer = await response.json();
    if (isDataFormat(format)) deps.out(renderData(format, answer));
    else deps.out(answer.results.length === 0 ? "no node matched (or none answered)" : answer.results.map(describeResult).join("\n"));
    const allRanOk = answer.results.length > 0 && answer.results.every((r) => r.outcome === "ran" && r.exitCode === 0);
    return allRanOk ? 0 : 1;
  },
});

/** The flags (before `--`) and the command (after it; without `--`, the words that are not flags). */
/** What the agent would refuse in the command, naming the argument (1 is the program), or undefined. */
export function argvProblem(argv: readonly string[]): string | undefined {
  if (argv.length > ARGV_WORDS_MAX) return `the command has ${argv.length} words; at most ${ARGV_WORDS_MAX} (the program and its arguments)`;
  if (argv[0] === "") return "the program after -- is empty: name it, e.g. -- uptime";
  for (const [i, word] of argv.entries()) {
    if (word.length > ARG_CHARS_MAX) return `argument ${i + 1} has ${word.length} characters; at most ${ARG_CHARS_MAX}`;
    if (/[\u0000-\u001f\u007f]/.test(word)) return `argument ${i + 1} (${JSON.stringify(word.slice(0, 40))}) has a control character; remote exec takes printable words only`;
  }
  return undefined;
}

export function splitAtDoubleDash(rawArgs: readonly string[]): { flags: string[]; argv: string[] } {
  const at = rawArgs.indexOf("--");
  if (at >= 0) return { flags: rawArgs.slice(0, at), argv: rawArgs.slice(at + 1) };
  return { flags: [...rawArgs], argv: [] };
}

/** Every value of a repeated flag (`--tag a=b --tag=c=d`); citty keeps only the last. */
export function repeated(flags: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const word = flags[i] as string;
    if (word === `--${name}`) {
      const value = flags[i + 1];
      if (value === undefined) throw new CommandExit(EXIT_USAGE, `--${name} needs a value`);
      values.push(value);
      i++;
    } else if (word.startsWith(`--${name}=`)) {
      values.push(word.slice(name.length + 3));
    }
  }
  return values;
}

function tagsOf(texts: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const text of texts) {
    const at = text.indexOf("=");
    if (at <= 0 || at === text.length - 1) throw new CommandExit(EXIT_USAGE, `--tag "${plainText(text)}" must be KEY=VALUE, e.g. role=node`);
    tags[text.slice(0, at)] = text.slice(at + 1);
  }
  return tags;
}

function describeResult(result: ExecNodeAnswer): string {
  const lines = [`== ${plainText(result.node)}: ${headline(result)}`];
  for (const stream of [result.stdout, result.stderr]) {
    if (stream === "") continue;
    lines.push(...stream.replace(/\n$/, "").split("\n").map((line) => plainText(line.replace(/\t/g, "    "))));
  }
  if (result.truncated) lines.push("[output truncated]");
  return lines.join("\n");
}

function headline(result: ExecNodeAnswer): string {
  const took = result.durationMs === undefined ? "" : ` (${Math.round(result.durationMs)} ms)`;
  const reason = result.reason ? `: ${plainText(result.reason)}` : "";
  switch (result.outcome) {
    case "ran":
      if (result.timedOut) return `timed out, killed${took}`;
      return result.exitCode === null || result.exitCode === undefined ? `killed by ${result.signal ?? "a signal"}${took}` : `exit ${result.exitCode}${took}`;
    case "refused":
    case "failed":
    case "no-answer":
    case "unverified":
      return `${result.outcome}${reason}`;
    default:
      return assertNever(result.outcome, "exec outcome");
  }
}
