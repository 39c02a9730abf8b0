import { defineCommand, type CommandDef } from "citty";

/** A command of `satellite`: what the root's help says of it, and its code, loaded when a run needs it. */
export interface LazyCommand {
  /** Must equal the loaded command's meta.description (test/cli/root-commands.test.ts compares them). */
  readonly description: string;
  readonly load: () => Promise<CommandDef<any>>;
}

const ROOT_META = {
  name: "satellite",
  description: "Cluster health agent: run `satellite agent` on every node, ask any of them `satellite status`",
};

/**
 * The root's commands, in the order help lists them. Each module is reached only through
 * import(), so the build puts it in a chunk of its own that loads on first use: the agent process
 * keeps none of the client commands' code, and `satellite status` does not evaluate the agent.
 */
export const ROOT_COMMANDS: Readonly<Record<string, LazyCommand>> = {
  agent: {
    description: "Run the agent on this node: probes, gossip, history and the HTTP API",
    load: () => import("./commands/agent.ts").then((m) => m.agentCommand),
  },
  status: {
    description: "Print the cluster status: a summary (nodes, failing probes and why) on a terminal, the status JSON when piped or with -o json; exit 0 running, 1 degraded, 2 agent unreachable",
    load: () => import("./commands/status.ts").then((m) => m.statusCommand),
  },
  members: {
    description: "List the cluster's members as this agent sees them: gossip state and health (running, degraded, unknown) side by side",
    load: () => import("./commands/members.ts").then((m) => m.membersCommand),
  },
  join: {
    description: "Ask the agent to join the cluster through one or more peers (their gossip address; a DNS name is tried at each address it resolves to); needs the API token when the agent has one",
    load: () => import("./commands/join.ts").then((m) => m.joinCommand),
  },
  leave: {
    description: "Ask the agent to leave the cluster gracefully (others see it as left, not failed) and stop; needs the API token when the agent has one",
    load: () => import("./commands/leave.ts").then((m) => m.leaveCommand),
  },
  "force-leave": {
    description: "Mark a failed member as left on every node, so it no longer degrades the cluster and is not retried (serf's force-leave); a member that is still alive refutes it and stays. Needs the API token when the agent has one",
    load: () => import("./commands/force-leave.ts").then((m) => m.forceLeaveCommand),
  },
  exec: {
    description: "Run a command on the nodes that match, over serf queries, and print each node's output and exit code. A node runs only what its exec.allow lists, when it enabled exec (docs/exec.md). Needs the API token when the agent has one",
    load: () => import("./commands/exec.ts").then((m) => m.execCommand),
  },
  maintenance: {
    description: "Maintenance windows: mute a node or a check cluster-wide while you work on it (start, end, list)",
    load: () => import("./commands/maintenance.ts").then((m) => m.maintenanceCommand),
  },
  history: {
    description: "Print timeline events (state changes), newest first, with why each probe failed; -o wide adds the states before and after",
    load: () => import("./commands/history.ts").then((m) => m.historyCommand),
  },
  checks: {
    description: "List the configured checks: interval, when each last ran and its last result; `checks run NAME` runs one now",
    load: () => import("./commands/checks.ts").then((m) => m.checksCommand),
  },
  detectors: {
    description: "List the detectors: whether each applies on this node, the tags it sets, when it last ran; and the detected tags gossiped now",
    load: () => import("./commands/detectors.ts").then((m) => m.detectorsCommand),
  },
  collectors: {
    description: "The host value collectors evaluated checks read (docs/collectors.md): `collectors list`, `collectors show NAME`",
    load: () => import("./commands/collectors.ts").then((m) => m.collectorsCommand),
  },
  generate: {
    description: "Render a config generator now (docs/generators.md): writes its file when the text changed and runs its command after the debounce; --dry-run prints what would be written and changes nothing. Without a name, lists the generators. Needs the API token when the agent has one",
    load: () => import("./commands/generate.ts").then((m) => m.generateCommand),
  },
  kv: {
    description: "The cluster's key-value store (docs/kv.md): `kv get KEY`, `kv put KEY VALUE|-`, `kv delete KEY`, `kv list [PREFIX]`. Writes need the API token when the agent has one",
    load: () => import("./commands/kv.ts").then((m) => m.kvCommand),
  },
  version: {
    description: "Print the version, git commit and tree state, OS, architecture and runtime: lines on a terminal, JSON when piped or with -o json",
    load: () => import("./commands/version.ts").then((m) => m.versionCommand),
  },
  keygen: {
    description: "Print a new gossip key (base64 of 32 random bytes, like `serf keygen`): `umask 077; satellite keygen > FILE`, then `satellite agent --encrypt-file FILE` on every node",
    load: () => import("./commands/keygen.ts").then((m) => m.keygenCommand),
  },
  keys: {
    description: "Rotate the gossip encryption keys of the whole cluster, serf agents included (serf keys); needs the API token when the agent has one",
    load: () => import("./commands/keys.ts").then((m) => m.keysCommand),
  },
  query: {
    description: "Send a serf query to the cluster and print the acks and responses (serf query: real serf agents answer it too); members filtered by --node and --tag. Needs the API token when the agent has one",
    load: () => import("./commands/query.ts").then((m) => m.queryCommand),
  },
  config: {
    description: "Work with the agent's config file: `config validate FILE` checks one, `config schema` prints its JSON Schema",
    load: () => import("./commands/config.ts").then((m) => m.configCommand),
  },
  completion: {
    description: "Print the shell completion script: `source <(satellite completion bash)`, `source <(satellite completion zsh)`, `satellite completion fish | source`",
    load: () => import("./commands/completion.ts").then((m) => m.completionCommand(loadRootCommand)),
  },
  nethealth: {
    description: "Echo UDP with every peer over the pod network and serve per-peer loss and latency (GET /peers JSON, /metrics): the agent's overlay check reads it",
    load: () => import("./commands/nethealth.ts").then((m) => m.nethealthCommand),
  },
  watch: {
    description: "Print the agent's events as they happen, one line each (or --json), until interrupted; reconnects by itself and resumes where it left off; exit 2 when the agent cannot be reached at start",
    load: () => import("./commands/watch.ts").then((m) => m.watchCommand),
  },
};

/**
 * The root as its help shows it: each command by name and description only, none loaded.
 * Walking the whole tree (completion scripts) needs loadRootCommand.
 */
export const rootSummary: CommandDef<any> = defineCommand({
  meta: ROOT_META,
  subCommands: Object.fromEntries(Object.entries(ROOT_COMMANDS).map(([name, command]) => [name, defineCommand({ meta: { name, description: command.description } })])),
});

/** The root command named by a run's first word, loaded; undefined when there is none of that name. */
export async function loadRootSubcommand(name: string): Promise<CommandDef<any> | undefined> {
  return Object.hasOwn(ROOT_COMMANDS, name) ? await (ROOT_COMMANDS[name] as LazyCommand).load() : undefined;
}

/** The whole tree with every command loaded: for what walks it (completion scripts, tests). */
export async function loadRootCommand(): Promise<CommandDef<any>> {
  const loaded = await Promise.all(Object.entries(ROOT_COMMANDS).map(async ([name, command]) => [name, await command.load()] as const));
  return defineCommand({ meta: ROOT_META, subCommands: Object.fromEntries(loaded) });
}
