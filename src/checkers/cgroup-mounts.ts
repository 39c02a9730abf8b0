import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeCause, failed, running } from "./_outcome.ts";
import { parseMounts } from "./_proc.ts";

export const cgroupMountsOptions = () => z.strictObject({
  /** Controllers the container runtime needs. */
  controllers: z.array(z.string().regex(/^[a-z_]+$/, "expected a cgroup controller name such as memory")).min(1).default(["cpu", "cpuacct", "memory", "pids", "devices"]),
});

export type CgroupMountsOptions = z.output<ReturnType<typeof cgroupMountsOptions>>;

/** cgroup v2 has no cpuacct controller: its accounting is part of cpu. */
const V2_IMPLIED: Record<string, string> = { cpuacct: "cpu", devices: "", freezer: "" };

export function cgroupMountsKind(deps: Pick<CheckerDeps, "files">): CheckerKind<CgroupMountsOptions> {
  return {
    kind: "cgroup-mounts",
    description: "cgroup controllers are mounted (/proc/mounts; v1 hierarchies or v2 at /sys/fs/cgroup)",
    options: cgroupMountsOptions,
    create(options) {
      return async () => {
        let mountsText: string | undefined;
        try {
          mountsText = await deps.files.readText("/proc/mounts");
        } catch (error) {
          return [failed(`cannot read /proc/mounts: ${describeCause(error)}`)];
        }
        if (mountsText === undefined) return [failed("cannot read /proc/mounts: missing")];
        const mounts = parseMounts(mountsText);
        const v1 = new Set(mounts.filter((m) => m.fstype === "cgroup").flatMap((m) => m.options));
        const unified = mounts.find((m) => m.fstype === "cgroup2" && m.target === "/sys/fs/cgroup");
        let v2 = new Set<string>();
        if (unified) {
          const list = await deps.files.readText("/sys/fs/cgroup/cgroup.controllers").catch(() => undefined);
          v2 = new Set((list ?? "").trim().split(/\s+/).filter(Boolean));
        }
        const present = (c: string): boolean => {
          if (v1.has(c)) return true;
          if (!unified) return false;
          const implied = V2_IMPLIED[c];
          // devices/freezer are built into cgroup v2 (BPF device filter, cgroup.freeze).
          if (implied === "") return true;
          return v2.has(implied ?? c);
        };
        const version = unified ? 2 : v1.size > 0 ? 1 : 0;
        if (version === 0) return [failed("no cgroup filesystem is mounted", { detail: "mount cgroup2 at /sys/fs/cgroup (or the v1 hierarchies)" })];
        const missing = options.controllers.filter((c) => !present(c));
        const data = { version, controllers: options.controllers.filter(present) };
        if (missing.length > 0) {
          return missing.map((c) => failed(`cgroup controller ${c} is not mounted (cgroup v${version})`, { detail: c, data }));
        }
        return [running({ detail: `cgroup v${version}: ${options.controllers.join(", ")} mounted`, data })];
      };
    },
  };
}
