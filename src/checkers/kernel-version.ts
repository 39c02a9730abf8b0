import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, describeCause, failed, running } from "./_outcome.ts";
import { compareVersions, parseKernelVersion } from "./_proc.ts";

export const kernelVersionOptions = () => z.strictObject({
  /** Lowest acceptable kernel, "major.minor[.patch]". */
  minimum: z.string().regex(/^\d+(\.\d+){0,2}$/, 'expected a version such as "3.10" or "4.15.0"').default("3.10.0"),
});

export type KernelVersionOptions = z.output<ReturnType<typeof kernelVersionOptions>>;

export function kernelVersionKind(deps: Pick<CheckerDeps, "files">): CheckerKind<KernelVersionOptions> {
  return {
    kind: "kernel-version",
    description: "The running kernel (/proc/sys/kernel/osrelease) is at least a minimum version",
    options: kernelVersionOptions,
    create(options) {
      const minimum = parseKernelVersion(options.minimum) as [number, number, number];
      return async () => {
        let release: string | undefined;
        try {
          release = (await deps.files.readText("/proc/sys/kernel/osrelease"))?.trim();
        } catch (error) {
          return [failed(`cannot read the kernel release: ${describeCause(error)}`)];
        }
        if (!release) return [failed("cannot read the kernel release: /proc/sys/kernel/osrelease is missing")];
        release = capText(release, 256);
        const version = parseKernelVersion(release);
        if (!version) return [failed(`cannot parse kernel release ${JSON.stringify(release)}`)];
        const data = { release, minimum: options.minimum };
        if (compareVersions(version, minimum) < 0) {
          return [failed(`kernel ${release} is older than the minimum ${options.minimum}`, { detail: "upgrade the kernel", data })];
        }
        return [running({ detail: `kernel ${release}`, data })];
      };
    },
  };
}
