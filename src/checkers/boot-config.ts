import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { HostFiles } from "../platform/host-files.ts";
import { loadZlib } from "../platform/zlib-package.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeCause, failed, running } from "./_outcome.ts";
import { parseKernelConfig } from "./_proc.ts";

export const bootConfigOptions = () => z.strictObject({
  /** Options that must be built in (y) or a module (m), e.g. CONFIG_OVERLAY_FS. */
  options: z.array(z.string().regex(/^CONFIG_[A-Za-z0-9_]+$/, "expected a kernel option such as CONFIG_OVERLAY_FS")).min(1),
  /** A host without any kernel config file is reported as running "skipped: ..." unless this is true. */
  failIfAbsent: z.boolean().default(false),
});

export type BootConfigOptions = z.output<ReturnType<typeof bootConfigOptions>>;

/** The running kernel's config: /boot/config-<release>, else /proc/config.gz. */
export async function readKernelConfig(files: HostFiles): Promise<{ source: string; text: string } | undefined> {
  const release = (await files.readText("/proc/sys/kernel/osrelease"))?.trim();
  if (release) {
    const source = `/boot/config-${release}`;
    const text = await files.readText(source);
    if (text !== undefined) return { source, text };
  }
  const gz = await files.readBytes("/proc/config.gz");
  if (gz) return { source: "/proc/config.gz", text: new TextDecoder().decode(loadZlib().gunzipSync(gz, { maxOutputLength: 16 * 1024 * 1024 })) };
  return undefined;
}

export function bootConfigKind(deps: Pick<CheckerDeps, "files">): CheckerKind<BootConfigOptions> {
  return {
    kind: "boot-config",
    description: "Kernel build options (/boot/config-<release> or /proc/config.gz) are y or m",
    options: bootConfigOptions,
    create(options) {
      return async () => {
        let config;
        try {
          config = await readKernelConfig(deps.files);
        } catch (error) {
          return [failed(`cannot read the kernel config: ${describeCause(error)}`)];
        }
        if (!config) {
          const where = "no /boot/config-<release> or /proc/config.gz";
          return options.failIfAbsent ? [failed(`cannot check kernel options: ${where}`)] : [running({ detail: `skipped: ${where}` })];
        }
        const values = parseKernelConfig(config.text);
        const missing = options.options.filter((o) => {
          const v = values.get(o);
          return v !== "y" && v !== "m";
        });
        if (missing.length === 0) return [running({ detail: `${options.options.length} option(s) enabled in ${config.source}`, data: { source: config.source } })];
        return missing.map((o) => failed(`kernel option ${o} is not enabled in ${config.source}`, { detail: o, data: { option: o, value: values.get(o) ?? null } }));
      };
    },
  };
}
