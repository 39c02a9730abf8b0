import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { HostFiles } from "../platform/host-files.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeCause, failed, running } from "./_outcome.ts";
import { normaliseModule, parseModulesBuiltin, parseProcModules } from "./_proc.ts";

export const kernelModulesOptions = () => z.strictObject({
  /** Required modules; "a|b" accepts either (nf_conntrack|nf_conntrack_ipv4). */
  modules: z.array(z.string().regex(/^[A-Za-z0-9_\-]+(\|[A-Za-z0-9_\-]+)*$/, "expected a module name or alternatives a|b")).min(1, "list at least one module"),
});

export type KernelModulesOptions = z.output<ReturnType<typeof kernelModulesOptions>>;

/** Modules present on the host: loaded (/proc/modules), built in (modules.builtin), or visible in /sys/module. */
export async function availableModules(files: HostFiles): Promise<Set<string>> {
  const names = new Set<string>();
  const loaded = await files.readText("/proc/modules");
  if (loaded) for (const m of parseProcModules(loaded)) names.add(m);
  const release = (await files.readText("/proc/sys/kernel/osrelease"))?.trim();
  if (release) {
    const builtin = await files.readText(`/lib/modules/${release}/modules.builtin`);
    if (builtin) for (const m of parseModulesBuiltin(builtin)) names.add(m);
  }
  // Built-in modules with parameters and every loaded module have a /sys/module entry.
  for (const m of (await files.listDir("/sys/module")) ?? []) names.add(normaliseModule(m));
  return names;
}

export function kernelModulesKind(deps: Pick<CheckerDeps, "files">): CheckerKind<KernelModulesOptions> {
  return {
    kind: "kernel-modules",
    description: "Required kernel modules are loaded or built in (/proc/modules, modules.builtin, /sys/module)",
    options: kernelModulesOptions,
    create(options) {
      return async () => {
        let available: Set<string>;
        try {
          available = await availableModules(deps.files);
        } catch (error) {
          return [failed(`cannot list kernel modules: ${describeCause(error)}`)];
        }
        const missing = options.modules.filter((spec) => !spec.split("|").some((m) => available.has(normaliseModule(m))));
        if (missing.length === 0) return [running({ detail: `${options.modules.length} module(s) present`, data: { modules: options.modules } })];
        return missing.map((spec) =>
          failed(`kernel module ${spec.replaceAll("|", " or ")} is not loaded`, { detail: spec, data: { module: spec } }),
        );
      };
    },
  };
}
