import { defineCommand, type CommandDef } from "citty";
import { agentCommand } from "./commands/agent.ts";
import { checksCommand } from "./commands/checks.ts";
import { detectorsCommand } from "./commands/detectors.ts";
import { collectorsCommand } from "./commands/collectors.ts";
import { completionCommand } from "./commands/completion.ts";
import { configCommand } from "./commands/config.ts";
import { forceLeaveCommand } from "./commands/force-leave.ts";
import { execCommand } from "./commands/exec.ts";
import { generateCommand } from "./commands/generate.ts";
import { kvCommand } from "./commands/kv.ts";
import { historyCommand } from "./commands/history.ts";
import { joinCommand } from "./commands/join.ts";
import { keygenCommand } from "./commands/keygen.ts";
import { maintenanceCommand } from "./commands/maintenance.ts";
import { keysCommand } from "./commands/keys.ts";
import { leaveCommand } from "./commands/leave.ts";
import { membersCommand } from "./commands/members.ts";
import { nethealthCommand } from "./commands/nethealth.ts";
import { queryCommand } from "./commands/query.ts";
import { statusCommand } from "./commands/status.ts";
import { versionCommand } from "./commands/version.ts";
import { watchCommand } from "./commands/watch.ts";

export const rootCommand = defineCommand({
  meta: {
    name: "satellite",
    description: "Cluster health agent: run `satellite agent` on every node, ask any of them `satellite status`",
  },
  subCommands: {
    agent: agentCommand,
    status: statusCommand,
    members: membersCommand,
    join: joinCommand,
    leave: leaveCommand,
    "force-leave": forceLeaveCommand,
    exec: execCommand,
    maintenance: maintenanceCommand,
    history: historyCommand,
    checks: checksCommand,
    detectors: detectorsCommand,
    collectors: collectorsCommand,
    generate: generateCommand,
    kv: kvCommand,
    version: versionCommand,
    keygen: keygenCommand,
    keys: keysCommand,
    query: queryCommand,
    config: configCommand,
    completion: completionCommand((): CommandDef<any> => rootCommand),
    nethealth: nethealthCommand,
    watch: watchCommand,
  },
});
