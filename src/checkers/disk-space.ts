import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { failed, failedFrom, running } from "./_outcome.ts";

const percent = () => z.number().gt(0, "expected a percentage above 0").max(100, "expected a percentage up to 100");

export const diskSpaceOptions = () => z
  .strictObject({
    /** Any path on the filesystem to watch; defaults to the agent's state directory. */
    path: z.string().startsWith("/", "expected an absolute path").optional(),
    lowWatermarkPercent: percent().default(80),
    highWatermarkPercent: percent().default(90),
  })
  .refine((o) => o.lowWatermarkPercent < o.highWatermarkPercent, {
    message: "lowWatermarkPercent must be below highWatermarkPercent",
    path: ["lowWatermarkPercent"],
  });

export type DiskSpaceOptions = z.output<ReturnType<typeof diskSpaceOptions>>;

/** Used share as `df` computes it: used / (used + available), so the root reserve counts as full. */
export function usedPercentOf(totalBytes: number, freeBytes: number, availableBytes: number): number {
  const used = totalBytes - freeBytes;
  const base = used + availableBytes;
  if (base <= 0) return 0;
  return Math.round((used / base) * 10000) / 100;
}

export function diskSpaceKind(deps: Pick<CheckerDeps, "disk">): CheckerKind<DiskSpaceOptions> {
  return {
    kind: "disk-space",
    description: "Filesystem usage of a path: warning above the low watermark, critical above the high one",
    options: diskSpaceOptions,
    create(options, env) {
      const path = options.path ?? env.settings.stateDir;
      return async () => {
        let usage;
        try {
          usage = await deps.disk.usage(path);
        } catch (error) {
          return [failedFrom(`cannot stat filesystem of ${path}`, error, { detail: "check that the path exists" })];
        }
        const usedPercent = usedPercentOf(usage.totalBytes, usage.freeBytes, usage.availableBytes);
        const data = { path, totalBytes: usage.totalBytes, availableBytes: usage.availableBytes, usedPercent };
        const metrics = { usedPercent, availableBytes: usage.availableBytes, totalBytes: usage.totalBytes };
        const summary = `${path}: ${usedPercent}% used, ${formatBytes(usage.availableBytes)} available of ${formatBytes(usage.totalBytes)}`;
        if (usedPercent > options.highWatermarkPercent) {
          return [
            failed(`disk usage ${usedPercent}% is above the high watermark ${options.highWatermarkPercent}%; free space on ${path}`, {
              severity: "critical",
              detail: summary,
              data,
              metrics,
            }),
          ];
        }
        if (usedPercent > options.lowWatermarkPercent) {
          return [
            failed(`disk usage ${usedPercent}% is above the low watermark ${options.lowWatermarkPercent}%; free space on ${path}`, {
              severity: "warning",
              detail: summary,
              data,
              metrics,
            }),
          ];
        }
        return [running({ detail: summary, data, metrics })];
      };
    },
  };
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
