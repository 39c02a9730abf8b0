import type { CollectorHost, CollectorKind } from "./collector.ts";

/** cgroup directories looked at per collection; a host with more stops counting there (and says so). */
export const CGROUP_DIRS_MAX = 20_000;
const DEPTH_MAX = 7;
const ID = "[0-9a-f]{64}";

/** Which runtime a cgroup directory of a running container belongs to, by the names systemd and the runtimes give them. */
const RUNTIME_SCOPES: readonly [RuntimeName, RegExp][] = [
  ["docker", new RegExp(`^docker-${ID}\\.scope$`)],
  ["podman", new RegExp(`^libpod-${ID}\\.scope$`)],
  ["containerd", new RegExp(`^cri-containerd-${ID}\\.scope$`)],
  ["crio", new RegExp(`^crio-${ID}\\.scope$`)],
];
/** cgroupfs layouts (cgroup v1, or v2 without systemd): `<parent>/<id>`. */
const PARENT_RUNTIME: Readonly<Record<string, RuntimeName>> = { docker: "docker", libpod_parent: "podman" };
const BARE_ID = new RegExp(`^${ID}$`);

type RuntimeName = "docker" | "podman" | "containerd" | "crio" | "other";

/** A cgroup entry that is a directory worth entering: plain names and systemd units, not files such as memory.max. */
const isGroupDir = (name: string): boolean => !name.includes(".") || /\.(slice|scope|service)$/.test(name);

/**
 * Running containers per runtime, counted from the cgroup tree: a running container always has a
 * cgroup, and counting directories costs no API call to any daemon. v2 at /sys/fs/cgroup, v1 in
 * its memory hierarchy. `truncated` is 1 when the walk stopped at its bound.
 */
export async function countContainers(host: CollectorHost): Promise<{ counts: Record<RuntimeName, number>; cgroupVersion: number; truncated: number }> {
  const counts: Record<RuntimeName, number> = { docker: 0, podman: 0, containerd: 0, crio: 0, other: 0 };
  const v2 = (await host.facts.files.readText("/sys/fs/cgroup/cgroup.controllers").catch(() => undefined)) !== undefined;
  const root = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
  let visited = 0;
  let truncated = 0;
  const walk = async (dir: string, parent: string, depth: number, underKubepods: boolean): Promise<void> => {
    if (depth > DEPTH_MAX) return;
    if (++visited > CGROUP_DIRS_MAX) {
      truncated = 1;
      return;
    }
    const entries = (await host.facts.files.listDir(dir).catch(() => undefined)) ?? [];
    for (const name of entries) {
      if (!isGroupDir(name)) continue;
      const scope = RUNTIME_SCOPES.find(([, pattern]) => pattern.test(name));
      if (scope) {
        counts[scope[0]]++;
        continue;
      }
      if (BARE_ID.test(name)) {
        counts[PARENT_RUNTIME[parent] ?? (underKubepods ? "containerd" : "other")]++;
        continue;
      }
      await walk(`${dir}/${name}`, name, depth + 1, underKubepods || name.startsWith("kubepods"));
      if (truncated) return;
    }
  };
  await walk(root, "", 0, false);
  return { counts, cgroupVersion: v2 ? 2 : 1, truncated };
}

/** Running containers per runtime from the cgroup tree (kunai's docker stats, without a daemon call). */
export const containersCollectorKind: CollectorKind = {
  name: "containers",
  description: "running containers from the cgroup tree: docker podman containerd crio other total, cgroupVersion, truncated (1 when the walk hit its bound)",
  intervalMs: 30_000,
  shape: { docker: "number", podman: "number", containerd: "number", crio: "number", other: "number", total: "number", cgroupVersion: "number", truncated: "number" },
  create: () => ({
    async collect(host) {
      const { counts, cgroupVersion, truncated } = await countContainers(host);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      return { ...counts, total, cgroupVersion, truncated };
    },
  }),
};
