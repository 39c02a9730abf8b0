import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeCause, failed, running } from "./_outcome.ts";

export const processConflictsOptions = () => z.strictObject({
  /** Process names (as in /proc/<pid>/comm, at most 15 characters) that must not run here. */
  processes: z.array(z.string().min(1).max(15, "process names in /proc/<pid>/comm are at most 15 characters")).min(1),
});

export type ProcessConflictsOptions = z.output<ReturnType<typeof processConflictsOptions>>;

/** Most processes examined per run. */
const PROCESSES_MAX = 100_000;

export function processConflictsKind(deps: Pick<CheckerDeps, "files">): CheckerKind<ProcessConflictsOptions> {
  return {
    kind: "process-conflicts",
    description: "None of the listed programs runs on the host (/proc/<pid>/comm)",
    options: processConflictsOptions,
    create(options) {
      const unwanted = new Set(options.processes);
      return async (ctx) => {
        const found = new Map<string, number[]>();
        try {
          const pids = ((await deps.files.listDir("/proc")) ?? []).filter((p) => /^\d+$/.test(p)).slice(0, PROCESSES_MAX);
          for (const pid of pids) {
            if (ctx.signal.aborted) return [failed("aborted while listing processes")];
            const comm = (await deps.files.readText(`/proc/${pid}/comm`).catch(() => undefined))?.trim();
            if (comm && unwanted.has(comm)) found.set(comm, [...(found.get(comm) ?? []), Number(pid)]);
          }
        } catch (error) {
          return [failed(`cannot list processes: ${describeCause(error)}`)];
        }
        if (found.size === 0) return [running({ detail: `none of ${options.processes.join(", ")} is running` })];
        return [...found].map(([name, pids]) =>
          failed(`conflicting program ${name} is running (pid ${pids.slice(0, 10).join(", ")})`, { detail: name, data: { process: name, pids: pids.slice(0, 100) } }),
        );
      };
    },
  };
}
