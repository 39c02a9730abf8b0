import { z } from "zod";
import type { CheckerKind, CheckerSettings } from "../probes/checker.ts";
import type { HostFiles } from "../platform/host-files.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, describeCause, failed, running } from "./_outcome.ts";
import { type Listener, parseProcNet } from "./_proc.ts";

/** Ports the cluster's components need free (DNS, etcd, API server, kubelet); the agent's own API ports are added. */
export const CLUSTER_PORT_RANGES: readonly (readonly [number, number])[] = [
  [53, 53],
  [2379, 2380],
  [6443, 6443],
  [10248, 10255],
];

/** The default watch list: the cluster's ports and this agent's API ports (rpcAddr). */
export function clusterPorts(settings: Pick<CheckerSettings, "apiPorts">): [number, number][] {
  return [...CLUSTER_PORT_RANGES.map(([lo, hi]): [number, number] => [lo, hi]), ...settings.apiPorts.map((p): [number, number] => [p, p])];
}

const portRange = () => z
  .union([z.number().int().min(1).max(65535), z.string().regex(/^\d{1,5}-\d{1,5}$/, 'expected a port or a range such as "10248-10255"')])
  .transform((v, ctx): [number, number] => {
    const [lo, hi] = typeof v === "number" ? [v, v] : (v.split("-").map(Number) as [number, number]);
    if (lo < 1 || hi > 65535 || hi < lo) {
      ctx.addIssue({ code: "custom", message: `port range ${v} is not within 1-65535 low-high` });
      return z.NEVER;
    }
    return [lo, hi];
  });

export const portConflictsOptions = () => z.strictObject({
  /** Default: the cluster's ports and the agent's API ports (clusterPorts). */
  ports: z.array(portRange()).min(1).optional(),
  protocols: z.array(z.enum(["tcp", "tcp6", "udp", "udp6"])).min(1).default(["tcp", "tcp6", "udp", "udp6"]),
  /** Process names (/proc/<pid>/comm) allowed to hold these ports: the cluster's own components. */
  allowedProcesses: z.array(z.string().min(1)).default([]),
  /** Listeners of the agent process itself are allowed. */
  allowSelf: z.boolean().default(true),
});

export type PortConflictsOptions = z.output<ReturnType<typeof portConflictsOptions>>;

/** Most /proc/<pid>/fd links read per run when looking for socket owners. */
const FD_LINKS_MAX = 200_000;

/** Maps socket inodes to the names of the processes holding them, reading /proc/<pid>/fd links. */
export async function socketOwners(files: HostFiles, inodes: ReadonlySet<string>): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  let budget = FD_LINKS_MAX;
  for (const pid of (await files.listDir("/proc")) ?? []) {
    if (!/^\d+$/.test(pid) || owners.size === inodes.size || budget <= 0) continue;
    const fds = (await files.listDir(`/proc/${pid}/fd`).catch(() => undefined)) ?? [];
    for (const fd of fds) {
      if (--budget <= 0) break;
      const target = await files.readLink(`/proc/${pid}/fd/${fd}`).catch(() => undefined);
      const inode = target && /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode) && !owners.has(inode)) {
        const comm = (await files.readText(`/proc/${pid}/comm`).catch(() => undefined))?.trim() ?? "?";
        owners.set(inode, `${capText(comm, 64)} (pid ${pid})`);
      }
    }
  }
  return owners;
}

export function portConflictsKind(deps: Pick<CheckerDeps, "files">): CheckerKind<PortConflictsOptions> {
  return {
    kind: "port-conflicts",
    description: "No foreign process listens on the cluster's ports (/proc/net/{tcp,tcp6,udp,udp6})",
    options: portConflictsOptions,
    create(options, env) {
      const ports = options.ports ?? clusterPorts(env.settings);
      const inRange = (port: number): boolean => ports.some(([lo, hi]) => port >= lo && port <= hi);
      const allowed = new Set(options.allowedProcesses);
      return async () => {
        const listeners: Listener[] = [];
        try {
          for (const protocol of options.protocols) {
            const text = await deps.files.readText(`/proc/net/${protocol}`);
            if (text !== undefined) listeners.push(...parseProcNet(text, protocol).filter((l) => inRange(l.port)));
          }
        } catch (error) {
          return [failed(`cannot read /proc/net: ${describeCause(error)}`)];
        }
        if (listeners.length === 0) return [running({ detail: "no listeners on the watched ports" })];
        const owners = await socketOwners(deps.files, new Set(listeners.map((l) => l.inode))).catch(() => new Map<string, string>());
        // The agent's own listeners (its RPC port is on the list) are never a conflict.
        const self = await deps.files.readLink("/proc/self").catch(() => undefined);
        const conflicts = listeners.filter((l) => {
          const owner = owners.get(l.inode);
          if (!owner) return true;
          if (self && owner.endsWith(` (pid ${self})`) && options.allowSelf) return false;
          return !allowed.has(owner.replace(/ \(pid \d+\)$/, ""));
        });
        if (conflicts.length === 0) return [running({ detail: `${listeners.length} listener(s), all by allowed processes` })];
        return conflicts.slice(0, 50).map((l) => {
          const owner = owners.get(l.inode) ?? "an unknown process";
          return failed(`port ${l.port}/${l.protocol} on ${l.address} is taken by ${owner}`, {
            detail: `${l.protocol} ${l.address}:${l.port}`,
            data: { protocol: l.protocol, address: l.address, port: l.port, owner },
          });
        });
      };
    },
  };
}
