import { stat } from "node:fs/promises";
import { z } from "zod";
import type { CheckerKind } from "../../src/lib/index.ts";

/** Built when checks of this kind are validated, not at import: the agent keeps no schema it is not using. */
const options = () =>
  z
    .object({
      /** The file a job touches when it succeeds (a backup, a cron heartbeat...). */
      path: z.string().min(1).max(4096),
      /** Older than this is a failure. */
      maxAgeSeconds: z.number().int().positive().max(366 * 24 * 3600).default(300),
    })
    .strict();

/**
 * A checker of our own: passes while `path` was modified within `maxAgeSeconds`. It follows
 * the checker contract (docs/library.md): a failure is a result, never a rejection; it honours
 * the signal; its texts are short.
 */
export const fileFreshnessKind: CheckerKind<z.infer<ReturnType<typeof options>>> = {
  kind: "file-freshness",
  description: "a file was modified recently (a job's heartbeat)",
  options,
  create: (o) => async (ctx) => {
    if (ctx.signal.aborted) return [{ status: "failed", error: "check aborted before it ran" }];
    try {
      const ageSeconds = Math.max(0, (ctx.clock.nowMs() - (await stat(o.path)).mtimeMs) / 1000);
      const metrics = { age_seconds: Math.round(ageSeconds) };
      if (ageSeconds <= o.maxAgeSeconds) return [{ status: "running", metrics }];
      return [{ status: "failed", error: `${o.path} was last modified ${Math.round(ageSeconds)} s ago (more than ${o.maxAgeSeconds} s)`, metrics }];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      return [{ status: "failed", error: `cannot read ${o.path.slice(0, 256)}: ${code}` }];
    }
  },
};
