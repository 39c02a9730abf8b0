import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeCause, failed, running } from "./_outcome.ts";

export const inotifyOptions = () => z.strictObject({
  /** Directory to watch for the test; defaults to the agent's state directory. */
  path: z.string().startsWith("/", "expected an absolute path").optional(),
});

export type InotifyOptions = z.output<ReturnType<typeof inotifyOptions>>;

export function inotifyKind(deps: Pick<CheckerDeps, "inotify" | "files">): CheckerKind<InotifyOptions> {
  return {
    kind: "inotify",
    description: "A new inotify instance can be created (kubelet and containers need them)",
    options: inotifyOptions,
    create(options, env) {
      const path = options.path ?? env.settings.stateDir;
      return async () => {
        const limit = Number((await deps.files.readText("/proc/sys/fs/inotify/max_user_instances").catch(() => undefined))?.trim());
        const data = Number.isFinite(limit) ? { maxUserInstances: limit } : undefined;
        try {
          await deps.inotify.tryWatch(path);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          const hint = code === "EMFILE" || code === "ENOSPC" ? "raise fs.inotify.max_user_instances / max_user_watches or find the process using them up" : `check that ${path} exists`;
          return [failed(`cannot create an inotify instance: ${describeCause(error)}`, { detail: hint, data })];
        }
        return [running({ detail: "inotify instance created", data })];
      };
    },
  };
}
