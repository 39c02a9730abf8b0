import { round2, type ValueTree } from "./collected-values.ts";
import { type CollectorKind, requiredText } from "./collector.ts";

/** Mount points measured at most. */
export const MOUNTS_MAX = 64;
/**
 * Filesystems left out: kernel pseudo filesystems, memory-backed ones, and network or FUSE ones,
 * whose statfs can hang for as long as their server does.
 */
const SKIPPED_TYPES = /^(proc|sysfs|devtmpfs|devpts|tmpfs|ramfs|cgroup2?|securityfs|pstore|bpf|debugfs|tracefs|configfs|fusectl|mqueue|hugetlbfs|autofs|binfmt_misc|rpc_pipefs|nsfs|efivarfs|selinuxfs|squashfs|overlay|nfs4?|cifs|smb3|ceph|glusterfs|9p|fuse(\..*)?|sshfs)$/;

/** Mount points of /proc/self/mounts worth measuring, first mount of each point; octal escapes decoded. */
export function parseMounts(text: string): string[] {
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    const [, mountPoint, type] = line.split(" ");
    if (!mountPoint || !type || SKIPPED_TYPES.test(type)) continue;
    seen.add(mountPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))));
    if (seen.size >= MOUNTS_MAX) break;
  }
  return [...seen];
}

/** Space used per mounted filesystem (kunai's diskusage): statfs of each mount point. */
export const diskUsageCollectorKind: CollectorKind = {
  name: "diskusage",
  description: "per mount point (diskusage[\"/\"]): totalBytes availableBytes usedPercent, from /proc/self/mounts and statfs",
  intervalMs: 60_000,
  shape: { "*": { totalBytes: "number", availableBytes: "number", usedPercent: "number" } },
  create: () => ({
    async collect(host) {
      const values: ValueTree = {};
      for (const mountPoint of parseMounts(await requiredText(host, "/proc/self/mounts", 1024 * 1024))) {
        const usage = await host.disk.usage(mountPoint).catch(() => undefined);
        if (!usage || usage.totalBytes <= 0) continue;
        // Used as df counts it: the root reserve is neither used nor available.
        const used = usage.totalBytes - usage.freeBytes;
        values[mountPoint] = { totalBytes: usage.totalBytes, availableBytes: usage.availableBytes, usedPercent: used + usage.availableBytes > 0 ? round2((used / (used + usage.availableBytes)) * 100) : 0 };
      }
      return values;
    },
  }),
};
