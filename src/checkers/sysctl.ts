import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, failed, failedFrom, running } from "./_outcome.ts";

const PROC_SYS = "/proc/sys/";

export const sysctlOptions = () => z
  .strictObject({
    /**
     * Dotted (net.ipv4.ip_forward) or slashed (net/ipv4/conf/eth0.100/forwarding) sysctl name.
     * Not called `name`: that key of a check entry is the check's own name.
     */
    parameter: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/, "expected a sysctl name such as net.ipv4.ip_forward").optional(),
    /** Or the file itself, under /proc/sys. */
    path: z.string().startsWith(PROC_SYS, "expected a path under /proc/sys/").optional(),
    expected: z.union([z.string(), z.number().transform(String)]).default("1"),
    /** A missing sysctl (module not loaded, older kernel) is reported as running "skipped: absent" unless this is true. */
    failIfAbsent: z.boolean().default(false),
  })
  .refine((o) => (o.parameter === undefined) !== (o.path === undefined), {
    message: "give exactly one of parameter or path",
    path: ["parameter"],
  })
  .refine((o) => o.path === undefined || !o.path.includes(".."), { message: "path must not contain ..", path: ["path"] });

export type SysctlOptions = z.output<ReturnType<typeof sysctlOptions>>;

/** net.ipv4.ip_forward -> /proc/sys/net/ipv4/ip_forward; a name with "/" is already slashed. */
export function sysctlPath(name: string): string {
  return PROC_SYS + (name.includes("/") ? name : name.replaceAll(".", "/"));
}

/** Sysctl values may be several whitespace-separated fields (tcp_rmem); compare field by field. */
export function normaliseSysctl(value: string): string {
  return value.trim().split(/\s+/).join(" ");
}

export function sysctlKind(deps: Pick<CheckerDeps, "files">): CheckerKind<SysctlOptions> {
  return {
    kind: "sysctl",
    description: "A kernel parameter under /proc/sys has the expected value (absent is skipped unless failIfAbsent)",
    options: sysctlOptions,
    create(options) {
      const path = options.path ?? sysctlPath(options.parameter as string);
      const label = options.parameter ?? path.slice(PROC_SYS.length).replaceAll("/", ".");
      const expected = normaliseSysctl(options.expected);
      return async () => {
        let raw: string | undefined;
        try {
          raw = await deps.files.readText(path);
        } catch (error) {
          return [failedFrom(`cannot read ${path}`, error)];
        }
        if (raw === undefined) {
          if (options.failIfAbsent) {
            return [failed(`sysctl ${label} is absent (${path})`, { detail: "load the kernel module that provides it" })];
          }
          return [running({ detail: "skipped: absent", data: { name: label, path } })];
        }
        const actual = capText(normaliseSysctl(raw), 1024);
        const data = { name: label, path, expected, actual };
        if (actual !== expected) {
          return [failed(`sysctl ${label} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`, { detail: `set it with: sysctl -w ${label}=${JSON.stringify(expected)}`, data })];
        }
        return [running({ detail: `${label} = ${actual}`, data })];
      };
    },
  };
}
