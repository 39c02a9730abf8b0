import { join } from "node:path";
import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { failed, failedFrom, running } from "./_outcome.ts";
import { percentile, round2 } from "./_stats.ts";

export const diskLatencyOptions = () => z
  .strictObject({
    /** Directory to write the probe file in; defaults to the agent's state directory. */
    path: z.string().startsWith("/", "expected an absolute path").optional(),
    iterations: z.number().int().min(1).max(1000).default(10),
    sizeBytes: z.number().int().min(1).max(16 * 1024 * 1024).default(4096),
    warningMs: z.number().positive().default(50),
    criticalMs: z.number().positive().default(500),
  })
  .refine((o) => o.warningMs < o.criticalMs, { message: "warningMs must be below criticalMs", path: ["warningMs"] });

export type DiskLatencyOptions = z.output<ReturnType<typeof diskLatencyOptions>>;

let probeFileCounter = 0;

/**
 * Writes a small file `iterations` times with fsync after each write and judges the p99 of the
 * write+fsync durations. The file is removed after every run, whatever happened.
 */
export function diskLatencyKind(deps: Pick<CheckerDeps, "disk">): CheckerKind<DiskLatencyOptions> {
  return {
    kind: "disk-latency",
    description: "Write + fsync latency (p99) of a small file in a directory, against warning/critical limits",
    options: diskLatencyOptions,
    create(options, env) {
      const dir = options.path ?? env.settings.stateDir;
      probeFileCounter += 1;
      const file = join(dir, `.satellite-disk-latency-${process.pid}-${probeFileCounter}`);
      const payload = new Uint8Array(options.sizeBytes).fill(0x5a);
      return async (ctx) => {
        const samples: number[] = [];
        try {
          const handle = await deps.disk.openSynced(file);
          try {
            for (let i = 0; i < options.iterations && !ctx.signal.aborted; i++) {
              const start = ctx.clock.monotonicMs();
              await handle.writeAndSync(payload);
              samples.push(ctx.clock.monotonicMs() - start);
            }
          } finally {
            await handle.close();
          }
        } catch (error) {
          return [failedFrom(`cannot write ${file}`, error, { detail: `check that ${dir} exists and is writable` })];
        } finally {
          await deps.disk.remove(file).catch(() => undefined);
        }
        if (samples.length < options.iterations) {
          return [failed(`aborted after ${samples.length} of ${options.iterations} writes to ${dir}`, { detail: "the check timed out; the disk may be very slow" })];
        }
        const p99Ms = round2(percentile(samples, 99));
        const p50Ms = round2(percentile(samples, 50));
        const data = { path: dir, iterations: samples.length, sizeBytes: options.sizeBytes, p50Ms, p99Ms, maxMs: round2(Math.max(...samples)) };
        const metrics = { fsyncP99Ms: p99Ms, fsyncP50Ms: p50Ms };
        const detail = `${dir}: write+fsync of ${options.sizeBytes} B, p50 ${p50Ms} ms, p99 ${p99Ms} ms over ${samples.length} writes`;
        if (p99Ms > options.criticalMs) {
          return [failed(`fsync latency p99 ${p99Ms} ms is above ${options.criticalMs} ms; the disk under ${dir} is too slow`, { severity: "critical", detail, data, metrics })];
        }
        if (p99Ms > options.warningMs) {
          return [failed(`fsync latency p99 ${p99Ms} ms is above ${options.warningMs} ms; the disk under ${dir} is slow`, { severity: "warning", detail, data, metrics })];
        }
        return [running({ detail, data, metrics })];
      };
    },
  };
}
