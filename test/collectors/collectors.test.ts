import { describe, expect, test } from "bun:test";
import { containersCollectorKind } from "../../src/collectors/containers-collector.ts";
import { cpuCollectorKind, cpuPercents } from "../../src/collectors/cpu-collector.ts";
import { diskIoCollectorKind } from "../../src/collectors/disk-io-collector.ts";
import { diskUsageCollectorKind, parseMounts } from "../../src/collectors/disk-usage-collector.ts";
import { interfacesCollectorKind } from "../../src/collectors/interfaces-collector.ts";
import { loadCollectorKind } from "../../src/collectors/load-collector.ts";
import { memoryCollectorKind } from "../../src/collectors/memory-collector.ts";
import { openPortsCollectorKind } from "../../src/collectors/open-ports-collector.ts";
import { timezoneCollectorKind, zoneOffsetMinutes } from "../../src/collectors/timezone-collector.ts";
import { fixture, recordedHost } from "./_recorded-host.ts";

const at = (monotonicMs: number, wallMs = Date.UTC(2026, 6, 1)) => ({ wallMs, monotonicMs });

/** Two samples of one collector, `elapsedMs` apart, with `path` holding the first then the second recorded file. */
async function twoSamples(kind: typeof cpuCollectorKind, path: string, first: string, second: string, elapsedMs = 10_000) {
  const files: Record<string, string> = { [path]: fixture(first) };
  const host = recordedHost(files);
  const collector = kind.create();
  const before = await collector.collect(host, at(5_000));
  files[path] = fixture(second);
  const after = await collector.collect(host, at(5_000 + elapsedMs));
  return { before, after };
}

describe("cpu collector (/proc/stat deltas)", () => {
  test("the first sample has only the count; the second has every share per CPU and for all", async () => {
    const { before, after } = await twoSamples(cpuCollectorKind, "/proc/stat", "stat.0", "stat.1");
    expect(before).toEqual({ count: 2 });
    expect(after.cpu_all).toEqual({ "%user": 15, "%nice": 0, "%system": 10, "%idle": 70, "%iowait": 5, "%irq": 0, "%softirq": 0, "%steal": 0 });
    expect(after.cpu0).toMatchObject({ "%user": 25, "%system": 15, "%idle": 50, "%iowait": 10 });
    expect(after.cpu1).toMatchObject({ "%user": 5, "%system": 5, "%idle": 90, "%iowait": 0 });
  });

  test("a counter that went back counts as no time, never negative", () => {
    expect(cpuPercents([10, 0, 0, 90], [20, 0, 0, 80])).toMatchObject({ "%user": 0, "%idle": 100 });
  });

  test("/proc/stat missing is an error naming it", async () => {
    await expect(cpuCollectorKind.create().collect(recordedHost({}), at(0))).rejects.toThrow("/proc/stat is missing");
  });
});

describe("diskio collector (/proc/diskstats deltas)", () => {
  test("reads, writes, bytes and util per device; loop devices left out; a counter reset gives 0", async () => {
    const { before, after } = await twoSamples(diskIoCollectorKind, "/proc/diskstats", "diskstats.0", "diskstats.1");
    expect(before).toEqual({});
    expect(after.sda).toEqual({ readsPerSecond: 50, writesPerSecond: 100, readBytesPerSecond: 512_000, writeBytesPerSecond: 2_048_000, utilPercent: 50 });
    expect(after.nvme0n1).toEqual({ readsPerSecond: 0, writesPerSecond: 0, readBytesPerSecond: 0, writeBytesPerSecond: 0, utilPercent: 0 });
    expect(Object.keys(after)).not.toContain("loop0");
  });

  test("rates follow the injected clock: the same counters over 20 s are half", async () => {
    const { after } = await twoSamples(diskIoCollectorKind, "/proc/diskstats", "diskstats.0", "diskstats.1", 20_000);
    expect(after.sda).toMatchObject({ readsPerSecond: 25, utilPercent: 25 });
  });
});

describe("interfaces collector (/proc/net/dev deltas)", () => {
  test("bytes, errors and drops per second per interface", async () => {
    const { before, after } = await twoSamples(interfacesCollectorKind, "/proc/net/dev", "net-dev.0", "net-dev.1");
    expect(before).toEqual({});
    expect(after.eth0).toEqual({ rxBytesPerSecond: 10_000, txBytesPerSecond: 2000, rxErrorsPerSecond: 1, txErrorsPerSecond: 0, rxDropsPerSecond: 2, txDropsPerSecond: 0.2 });
    expect(after.lo).toMatchObject({ rxBytesPerSecond: 1000 });
    expect(after["cni-podman0"]).toMatchObject({ rxBytesPerSecond: 0 });
  });
});

describe("openports collector", () => {
  test("listening TCP (v4 and v6 together) and unconnected UDP ports; connected sockets left out", async () => {
    const host = recordedHost({ "/proc/net/tcp": fixture("net-tcp"), "/proc/net/tcp6": fixture("net-tcp6"), "/proc/net/udp": fixture("net-udp") });
    expect(await openPortsCollectorKind.create().collect(host, at(0))).toEqual({ count: 4, tcp: { count: 3, ports: "22,7575,17946" }, udp: { count: 1, ports: "53" } });
  });
});

describe("memory and load collectors", () => {
  test("memory from /proc/meminfo", async () => {
    const values = await memoryCollectorKind.create().collect(recordedHost({ "/proc/meminfo": fixture("meminfo") }), at(0));
    expect(values).toEqual({ totalBytes: 24_683_548 * 1024, availableBytes: 20_660_556 * 1024, usedPercent: 16.3, swapTotalBytes: 2_097_148 * 1024, swapUsedPercent: 25 });
  });

  test("load averages and load per CPU", async () => {
    const values = await loadCollectorKind.create().collect(recordedHost({ "/proc/loadavg": fixture("loadavg"), "/proc/stat": fixture("stat.0") }), at(0));
    expect(values).toEqual({ load1: 3, load5: 1.5, load15: 0.75, perCpu1: 1.5, cpuCount: 2 });
  });

  test("a /proc/loadavg that is not load averages is an error naming it", async () => {
    const host = recordedHost({ "/proc/loadavg": "garbage\n", "/proc/stat": fixture("stat.0") });
    await expect(loadCollectorKind.create().collect(host, at(0))).rejects.toThrow("/proc/loadavg does not start with three load averages");
  });
});

describe("diskusage collector", () => {
  test("real filesystems only (no proc, tmpfs or NFS), mount points unescaped", async () => {
    expect(parseMounts(fixture("mounts"))).toEqual(["/", "/var/lib data"]);
    const host = recordedHost({ "/proc/self/mounts": fixture("mounts") }, { usage: { "/": { totalBytes: 1000, freeBytes: 300, availableBytes: 200 }, "/var/lib data": { totalBytes: 100, freeBytes: 100, availableBytes: 100 } } });
    expect(await diskUsageCollectorKind.create().collect(host, at(0))).toEqual({
      "/": { totalBytes: 1000, availableBytes: 200, usedPercent: 77.78 },
      "/var/lib data": { totalBytes: 100, availableBytes: 100, usedPercent: 0 },
    });
  });
});

describe("timezone collector", () => {
  const july = Date.UTC(2026, 6, 1);
  test("TZ wins; then the /etc/localtime link; then /etc/timezone; then UTC", async () => {
    const tz = timezoneCollectorKind.create();
    expect(await tz.collect(recordedHost({}, { env: { TZ: ":America/New_York" }, links: { "/etc/localtime": "/usr/share/zoneinfo/Europe/Paris" } }), at(0, july))).toEqual({ name: "America/New_York", offsetMinutes: -240, source: "TZ" });
    expect(await tz.collect(recordedHost({}, { links: { "/etc/localtime": "../usr/share/zoneinfo/Europe/Paris" } }), at(0, july))).toEqual({ name: "Europe/Paris", offsetMinutes: 120, source: "/etc/localtime" });
    expect(await tz.collect(recordedHost({ "/etc/timezone": "Asia/Kolkata\n" }), at(0, july))).toEqual({ name: "Asia/Kolkata", offsetMinutes: 330, source: "/etc/timezone" });
    expect(await tz.collect(recordedHost({}), at(0, july))).toEqual({ name: "UTC", offsetMinutes: 0, source: "default" });
  });

  test("the offset is the one at the sample's wall time (summer and winter), and absent for an unknown zone", async () => {
    expect(zoneOffsetMinutes("Europe/Paris", Date.UTC(2026, 0, 15))).toBe(60);
    expect(zoneOffsetMinutes("Europe/Paris", july)).toBe(120);
    expect(zoneOffsetMinutes("Mars/Olympus", july)).toBeUndefined();
  });
});

describe("containers collector (cgroup tree)", () => {
  const id = (n: number) => n.toString(16).padStart(64, "a");
  test("cgroup v2 scopes per runtime; files and inner cgroups are not counted", async () => {
    const files: Record<string, string> = {
      "/sys/fs/cgroup/cgroup.controllers": "cpu memory pids",
      [`/sys/fs/cgroup/system.slice/docker-${id(1)}.scope/cgroup.procs`]: "1",
      [`/sys/fs/cgroup/system.slice/docker-${id(2)}.scope/init.scope/cgroup.procs`]: "1",
      "/sys/fs/cgroup/system.slice/docker.service/cgroup.procs": "1",
      [`/sys/fs/cgroup/machine.slice/libpod-${id(3)}.scope/cgroup.procs`]: "1",
      [`/sys/fs/cgroup/machine.slice/libpod-conmon-${id(3)}.scope/cgroup.procs`]: "1",
      [`/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-${id(4)}.scope/memory.max`]: "max",
    };
    expect(await containersCollectorKind.create().collect(recordedHost(files), at(0))).toEqual({ docker: 2, podman: 1, containerd: 1, crio: 0, other: 0, total: 4, cgroupVersion: 2, truncated: 0 });
  });

  test("cgroup v1 (cgroupfs driver): ids under docker/ and kubepods/", async () => {
    const files: Record<string, string> = {
      [`/sys/fs/cgroup/memory/docker/${id(1)}/tasks`]: "1",
      [`/sys/fs/cgroup/memory/kubepods/burstable/pod1/${id(2)}/tasks`]: "1",
      "/sys/fs/cgroup/memory/memory.limit_in_bytes": "1",
    };
    expect(await containersCollectorKind.create().collect(recordedHost(files), at(0))).toMatchObject({ docker: 1, containerd: 1, total: 2, cgroupVersion: 1 });
  });
});
