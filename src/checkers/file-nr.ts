import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeCause, failed, running } from "./_outcome.ts";

export const fileNrOptions = () => z
  .strictObject({
    warningPercent: z.number().gt(0).max(100).default(80),
    criticalPercent: z.number().gt(0).max(100).default(90),
  })
  .refine((o) => o.warningPercent < o.criticalPercent, { message: "warningPercent must be below criticalPercent", path: ["warningPercent"] });

export type FileNrOptions = z.output<ReturnType<typeof fileNrOptions>>;

/** /proc/sys/fs/file-nr: "allocated unused max". */
export function parseFileNr(text: string): { allocated: number; max: number } | undefined {
  const [allocated, , max] = text.trim().split(/\s+/).map(Number);
  if (allocated === undefined || max === undefined || !Number.isFinite(allocated) || !Number.isFinite(max) || max <= 0) return undefined;
  return { allocated, max };
}

export function fileNrKind(deps: Pick<CheckerDeps, "files">): CheckerKind<FileNrOptions> {
  return {
    kind: "file-nr",
    description: "System-wide open file handles (/proc/sys/fs/file-nr) against fs.file-max",
    options: fileNrOptions,
    create(options) {
      return async () => {
        let text: string | undefined;
        try {
          text = await deps.files.readText("/proc/sys/fs/file-nr");
        } catch (error) {
          return [failed(`cannot read /proc/sys/fs/file-nr: ${describeCause(error)}`)];
        }
        const nr = text === undefined ? undefined : parseFileNr(text);
        if (!nr) return [failed("cannot read /proc/sys/fs/file-nr: missing or not in the form 'allocated unused max'")];
        const usedPercent = Math.round((nr.allocated / nr.max) * 10000) / 100;
        const data = { ...nr, usedPercent };
        const metrics = { allocated: nr.allocated, max: nr.max, usedPercent };
        const detail = `${nr.allocated} of ${nr.max} file handles allocated (${usedPercent}%)`;
        const fix = "find the process leaking descriptors (ls /proc/*/fd | wc) or raise fs.file-max";
        if (usedPercent > options.criticalPercent) return [failed(`file handles ${usedPercent}% used, above ${options.criticalPercent}%; ${fix}`, { severity: "critical", detail, data, metrics })];
        if (usedPercent > options.warningPercent) return [failed(`file handles ${usedPercent}% used, above ${options.warningPercent}%; ${fix}`, { severity: "warning", detail, data, metrics })];
        return [running({ detail, data, metrics })];
      };
    },
  };
}
