import { defineCommand } from "citty";
import { parseDurationMs } from "../../config/duration.ts";
import { systemClock } from "../../platform/clock.ts";
import { STARTING_HEADER } from "../../api/starting-responses.ts";
import { describeUnexpectedAnswer } from "../agent-client.ts";
import { agentBaseUrl, AGENT_CONNECTION_ARGS, apiTokenOf, connectAgent, tlsOf, type AgentConnectionArgs } from "../agent-connection.ts";
import { EXIT_DEGRADED, EXIT_OK, EXIT_USAGE, type CliDeps } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { watchEvents } from "../event-watch.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData, type OutputFormat } from "../output-format.ts";
import { redrawUntilStopped } from "../redraw-loop.ts";
import { renderClusterSummary, renderNodeSummary } from "../status-summary.ts";
import { terminalStyle } from "../terminal-style.ts";

/** `--watch` redraws at least this often by default, and never more often than once per second. */
const WATCH_INTERVAL_DEFAULT = "5s";
const WATCH_INTERVAL_MIN_MS = 1000;
const WATCH_INTERVAL_MAX_MS = 3_600_000;
const REDRAW_GAP_MS = 1000;
/** Home the cursor and clear the screen: each redraw replaces the last one on a terminal. */
const CLEAR_SCREEN = "\u001b[H\u001b[2J";

const statusArgs = {
  ...AGENT_CONNECTION_ARGS,
  ...OUTPUT_ARGS,
  pretty: { type: "boolean", description: "Same as -o json, indented" },
  local: { type: "boolean", description: "Only this node's status (GET /local)" },
  details: { type: "boolean", description: "Ask every node over gossip for its probes in full, per-peer measurements and latest numbers" },
  watch: { type: "boolean", alias: "w", description: "Redraw when the agent reports a change (GET /events) and every --interval, until interrupted" },
  interval: { type: "string", description: `With --watch: redraw at least this often, 1s to 1h (default ${WATCH_INTERVAL_DEFAULT})`, valueHint: "duration" },
} as const;

export const statusCommand = defineCommand({
  meta: {
    name: "status",
    description:
      "Print the cluster status: a summary (nodes, failing probes and why) on a terminal, the status JSON when piped or with -o json; exit 0 running, 1 degraded, 2 agent unreachable",
  },
  args: statusArgs,
  async run(context) {
    const deps = depsOf(context);
    const { args } = context;
    const isTerminal = deps.isTerminal === true;
    const format = args.pretty ? prettyFormat(args.output) : outputFormatOf(args, isTerminal ? "table" : "json");
    const fetchOnce = statusFetcher(deps, args);
    const render = (body: StatusBody): string => {
      if (isDataFormat(format)) return renderData(format, body, args.pretty === true);
      const style = terminalStyle({ isTerminal, env: deps.env });
      return args.local ? renderNodeSummary(body as NodeBody, style, format === "wide") : renderClusterSummary(body as ClusterBody, style, format === "wide");
    };
    if (!args.watch) {
      if (args.interval !== undefined) throw new CommandExit(EXIT_USAGE, "--interval goes with --watch");
      const body = await fetchOnce();
      deps.out(render(body));
      return body.status === "running" ? EXIT_OK : EXIT_DEGRADED;
    }
    return watchStatus(deps, args, format, fetchOnce, render);
  },
});

type ClusterBody = Parameters<typeof renderClusterSummary>[0];
type NodeBody = Parameters<typeof renderNodeSummary>[0];
type StatusBody = ClusterBody | NodeBody;
type StatusArgs = AgentConnectionArgs & { local?: boolean; details?: boolean; interval?: string };

/** `--pretty` is `-o json` indented; with another -o it is a usage error. */
function prettyFormat(output: string | undefined): OutputFormat {
  if (output !== undefined && output !== "json") throw new CommandExit(EXIT_USAGE, `--pretty means -o json: give one of them, not --pretty with -o ${output}`);
  return "json";
}

function statusFetcher(deps: CliDeps, args: StatusArgs): () => Promise<StatusBody> {
  const api = connectAgent(deps, args);
  return async () => {
    const response = args.local ? await api.local.$get() : await api.status.$get({ query: args.details ? { details: "" } : {} });
    if (response.status !== 200 && response.status !== 503) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    // Still starting once the client stopped asking again (api/starting-responses.ts): not a degraded cluster.
    if (response.headers.has(STARTING_HEADER)) throw new CommandExit(2, await describeUnexpectedAnswer(response));
    return (await response.json()) as StatusBody;
  };
}

async function watchStatus(deps: CliDeps, args: StatusArgs, format: OutputFormat, fetchOnce: () => Promise<StatusBody>, render: (body: StatusBody) => string): Promise<number> {
  const intervalText = args.interval ?? WATCH_INTERVAL_DEFAULT;
  const intervalMs = parseDurationMs(intervalText);
  if (intervalMs === undefined || intervalMs < WATCH_INTERVAL_MIN_MS || intervalMs > WATCH_INTERVAL_MAX_MS) {
    throw new CommandExit(EXIT_USAGE, `--interval "${intervalText}" must be a duration from 1s to 1h, e.g. 5s`);
  }
  const baseUrl = agentBaseUrl(args, deps.env);
  if (typeof baseUrl !== "string") throw new CommandExit(EXIT_USAGE, baseUrl.error);
  const clock = deps.clock ?? systemClock;
  const stop = new AbortController();
  void deps.waitForStopSignal().then(() => stop.abort());
  // A screen that redraws itself is for a terminal; a pipe gets one document after another.
  const clear = deps.isTerminal === true && !isDataFormat(format);
  let drawn = 0;
  await redrawUntilStopped({
    clock,
    stop: stop.signal,
    intervalMs,
    redrawGapMs: REDRAW_GAP_MS,
    draw: async () => {
      let text: string;
      try {
        text = render(await fetchOnce());
      } catch (error) {
        // The first answer must come (exit 2 otherwise); later, an agent restarting is shown and waited for.
        if (drawn === 0) throw error;
        deps.err(`satellite status: ${error instanceof Error ? error.message : String(error)}; trying again`);
        return;
      }
      drawn++;
      deps.out(clear ? `${CLEAR_SCREEN}${text}` : text);
    },
    follow: (onChange, signal) =>
      watchEvents({
        fetch: deps.fetch,
        baseUrl,
        apiToken: apiTokenOf(args, deps.env, deps.readFile),
        tls: tlsOf(args, baseUrl, deps.readFile),
        types: "probe,node,cluster",
        clock,
        stop: signal,
        onMessage: (message) => {
          if (message.event !== "gap") onChange();
        },
        onNotice: () => {},
      }),
    onFollowFailed: (error) => deps.err(`satellite status: cannot follow the agent's events (${error instanceof Error ? error.message : String(error)}); redrawing every ${intervalText}`),
  });
  return 0;
}
