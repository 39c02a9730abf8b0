import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { bootConfigKind } from "../../src/checkers/boot-config.ts";
import { cgroupMountsKind } from "../../src/checkers/cgroup-mounts.ts";
import { fileNrKind } from "../../src/checkers/file-nr.ts";
import { inotifyKind } from "../../src/checkers/inotify.ts";
import { kernelModulesKind } from "../../src/checkers/kernel-modules.ts";
import { kernelVersionKind } from "../../src/checkers/kernel-version.ts";
import { portConflictsKind } from "../../src/checkers/port-conflicts.ts";
import { processConflictsKind } from "../../src/checkers/process-conflicts.ts";
import { parseMounts, parseProcNet } from "../../src/checkers/_proc.ts";
import { createRecordedHostFiles, systemHostFiles } from "../../src/platform/host-files.ts";
import { systemInotifyProbe } from "../../src/platform/inotify.ts";
import { optionErrors, runOnce, testEnv, withTempDir } from "./_helpers.ts";

const real = { files: systemHostFiles };
const env = testEnv("/tmp");

// Recorded from a Debian 12 node (5.10 kernel) running kubelet and a stray dnsmasq; trimmed.
const RECORDED_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:2718 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
   1: 00000000:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 40404 1 0000000000000000 100 0 0 10 0
   2: 0100007F:0016 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 50505 1 0000000000000000 20 4 30 10 -1
   3: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11111 1 0000000000000000 100 0 0 10 0`;
const RECORDED_TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 60606 1 0000000000000000 100 0 0 10 0`;

describe("kernel-modules", () => {
  test("real host: modules visible in /sys/module are present; a made-up one is missing", async () => {
    const present = (await systemHostFiles.listDir("/sys/module"))?.[0];
    if (!present) throw new Error("/sys/module is empty on this host; cannot test against real modules");
    const [ok] = await runOnce(kernelModulesKind(real), { modules: [present] }, env);
    expect(ok?.status).toBe("running");
    const outcomes = await runOnce(kernelModulesKind(real), { modules: [present, "satellite_no_such_module"] }, env);
    expect(outcomes).toEqual([expect.objectContaining({ status: "failed", detail: "satellite_no_such_module" })]);
  });

  test("recorded: loaded + builtin, dash/underscore alike, alternatives", async () => {
    const files = createRecordedHostFiles({
      "/proc/modules": "br_netfilter 32768 0 - Live 0x0000000000000000\noverlay 151552 9 - Live 0x0000000000000000\n",
      "/proc/sys/kernel/osrelease": "5.10.0-26-amd64\n",
      "/lib/modules/5.10.0-26-amd64/modules.builtin": "kernel/net/ipv4/netfilter/ip_tables.ko\nkernel/drivers/md/dm-mod.ko\n",
    });
    const outcomes = await runOnce(kernelModulesKind({ files }), { modules: ["br-netfilter", "overlay", "ip_tables", "dm_mod", "nf_conntrack_ipv4|nf_conntrack", "ebtables"] }, env);
    expect(outcomes.map((o) => o.error)).toEqual(["kernel module nf_conntrack_ipv4 or nf_conntrack is not loaded", "kernel module ebtables is not loaded"]);
  });
});

describe("kernel-version", () => {
  test("real kernel is above 3.10 and below 999", async () => {
    expect((await runOnce(kernelVersionKind(real), {}, env))[0]?.status).toBe("running");
    const [old] = await runOnce(kernelVersionKind(real), { minimum: "999.0" }, env);
    expect(old?.error).toContain("older than the minimum 999.0");
  });

  test("recorded releases", async () => {
    const k = (release: string) => kernelVersionKind({ files: createRecordedHostFiles({ "/proc/sys/kernel/osrelease": release }) });
    expect((await runOnce(k("4.15.0-1-generic"), { minimum: "4.15" }, env))[0]?.status).toBe("running");
    expect((await runOnce(k("4.9.0"), { minimum: "4.15" }, env))[0]?.status).toBe("failed");
    expect((await runOnce(k("garbage"), {}, env))[0]?.error).toContain("cannot parse");
    expect(optionErrors(kernelVersionKind(real), { minimum: "v4" })).toEqual(['minimum: expected a version such as "3.10" or "4.15.0"']);
  });
});

describe("boot-config", () => {
  test("real host: /proc/config.gz or /boot config is read", async () => {
    const [o] = await runOnce(bootConfigKind(real), { options: ["CONFIG_NET"] }, env);
    expect(o?.status).toBe("running");
    expect(o?.detail).not.toContain("skipped");
  });

  test("recorded /boot/config-<release>: y and m pass, unset fails", async () => {
    const files = createRecordedHostFiles({
      "/proc/sys/kernel/osrelease": "5.10.0-26-amd64",
      "/boot/config-5.10.0-26-amd64": "CONFIG_OVERLAY_FS=m\nCONFIG_BRIDGE=y\n# CONFIG_IP_VS is not set\n",
    });
    const outcomes = await runOnce(bootConfigKind({ files }), { options: ["CONFIG_OVERLAY_FS", "CONFIG_BRIDGE", "CONFIG_IP_VS"] }, env);
    expect(outcomes).toEqual([expect.objectContaining({ status: "failed", detail: "CONFIG_IP_VS" })]);
  });

  test("recorded /proc/config.gz and no config at all", async () => {
    const gz = createRecordedHostFiles({ "/proc/config.gz": gzipSync(Buffer.from("CONFIG_CGROUPS=y\n")) });
    expect((await runOnce(bootConfigKind({ files: gz }), { options: ["CONFIG_CGROUPS"] }, env))[0]?.status).toBe("running");
    const none = createRecordedHostFiles({});
    expect((await runOnce(bootConfigKind({ files: none }), { options: ["CONFIG_CGROUPS"] }, env))[0]?.detail).toContain("skipped");
    expect((await runOnce(bootConfigKind({ files: none }), { options: ["CONFIG_CGROUPS"], failIfAbsent: true }, env))[0]?.status).toBe("failed");
  });
});

describe("port-conflicts", () => {
  test("real listener on a watched port: the agent's own is allowed; otherwise found with its owner", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      expect((await runOnce(portConflictsKind(real), { ports: [server.port], protocols: ["tcp"] }, env))[0]?.status).toBe("running");
      const outcomes = await runOnce(portConflictsKind(real), { ports: [server.port], protocols: ["tcp"], allowSelf: false }, env);
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]?.error).toContain(`port ${server.port}/tcp on 127.0.0.1 is taken by`);
      expect(outcomes[0]?.error).toContain(`(pid ${process.pid})`);
      const comm = readFileSync("/proc/self/comm", "utf8").trim();
      const allowed = await runOnce(portConflictsKind(real), { ports: [server.port], allowedProcesses: [comm], allowSelf: false }, env);
      expect(allowed[0]?.status).toBe("running");
    } finally {
      server.stop(true);
    }
  });

  test("recorded tables: listeners on watched ports, owners from fd links", async () => {
    const files = createRecordedHostFiles(
      { "/proc/net/tcp": RECORDED_TCP, "/proc/net/tcp6": RECORDED_TCP6, "/proc/812/comm": "dnsmasq\n", "/proc/900/comm": "kubelet\n" },
      { "/proc/812/fd/4": "socket:[40404]", "/proc/900/fd/7": "socket:[31337]", "/proc/900/fd/8": "/dev/null" },
    );
    const outcomes = await runOnce(portConflictsKind({ files }), { ports: [53, "10000-10255", 8080], allowedProcesses: ["kubelet"] }, env);
    expect(outcomes.map((o) => o.error)).toEqual([
      "port 53/tcp on 0.0.0.0 is taken by dnsmasq (pid 812)",
      "port 8080/tcp6 on ::1 is taken by an unknown process",
    ]);
  });

  test("default watch list: the cluster's ports and this agent's API ports from the settings", async () => {
    const files = createRecordedHostFiles(
      { "/proc/net/tcp": RECORDED_TCP, "/proc/net/tcp6": RECORDED_TCP6, "/proc/812/comm": "dnsmasq\n", "/proc/900/comm": "kubelet\n" },
      { "/proc/812/fd/4": "socket:[40404]", "/proc/900/fd/7": "socket:[31337]" },
    );
    const errors = async (apiPorts: number[]) => (await runOnce(portConflictsKind({ files }), { allowedProcesses: ["kubelet"] }, testEnv("/tmp", { apiPorts }))).map((o) => o.error);
    expect(await errors([7575])).toEqual(["port 53/tcp on 0.0.0.0 is taken by dnsmasq (pid 812)"]);
    expect(await errors([8080])).toEqual(["port 53/tcp on 0.0.0.0 is taken by dnsmasq (pid 812)", "port 8080/tcp6 on ::1 is taken by an unknown process"]);
  });

  test("parsers", () => {
    expect(parseProcNet(RECORDED_TCP, "tcp").map((l) => `${l.address}:${l.port}`)).toEqual(["127.0.0.1:10008", "0.0.0.0:53", "0.0.0.0:22"]);
    expect(optionErrors(portConflictsKind(real), { ports: ["20-10"] })).toEqual(["ports.0: port range 20-10 is not within 1-65535 low-high"]);
  });
});

describe("process-conflicts", () => {
  test("real /proc: this process is found by its name; a made-up one is not", async () => {
    const comm = readFileSync("/proc/self/comm", "utf8").trim();
    const outcomes = await runOnce(processConflictsKind(real), { processes: [comm, "satellite-nope"] }, env);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ status: "failed", detail: comm });
    expect((outcomes[0]?.data as { pids: number[] }).pids).toContain(process.pid);
    expect((await runOnce(processConflictsKind(real), { processes: ["satellite-nope"] }, env))[0]?.status).toBe("running");
  });
});

describe("file-nr, inotify, cgroup-mounts", () => {
  test("real file-nr is below the default limits; recorded high usage is critical", async () => {
    expect((await runOnce(fileNrKind(real), {}, env))[0]?.status).toBe("running");
    const files = createRecordedHostFiles({ "/proc/sys/fs/file-nr": "950\t0\t1000\n" });
    expect((await runOnce(fileNrKind({ files }), {}, env))[0]).toMatchObject({ status: "failed", severity: "critical" });
  });

  test("real inotify instance in a tmp dir; missing dir fails", async () => {
    await withTempDir(async (dir) => {
      const k = inotifyKind({ inotify: systemInotifyProbe, files: systemHostFiles });
      expect((await runOnce(k, {}, testEnv(dir)))[0]?.status).toBe("running");
      expect((await runOnce(k, { path: `${dir}/missing` }, testEnv(dir)))[0]?.status).toBe("failed");
    });
  });

  test("inotify limit reached (EMFILE) -> failed with the sysctl to raise", async () => {
    const emfile = Object.assign(new Error("EMFILE: too many open files, watch"), { code: "EMFILE" });
    const k = inotifyKind({ inotify: { tryWatch: () => Promise.reject(emfile) }, files: createRecordedHostFiles({ "/proc/sys/fs/inotify/max_user_instances": "128\n" }) });
    const [o] = await runOnce(k, {}, env);
    expect(o).toMatchObject({ status: "failed", data: { maxUserInstances: 128 } });
    expect(o?.detail).toContain("max_user_instances");
  });

  test("real /proc/mounts has the default controllers", async () => {
    const [o] = await runOnce(cgroupMountsKind(real), {}, env);
    expect(o?.status).toBe("running");
  });

  test("recorded cgroup v2 host and a host without cgroups", async () => {
    const v2 = createRecordedHostFiles({
      "/proc/mounts": "sysfs /sys sysfs rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n",
      "/sys/fs/cgroup/cgroup.controllers": "cpuset cpu io memory hugetlb pids rdma misc\n",
    });
    expect((await runOnce(cgroupMountsKind({ files: v2 }), {}, env))[0]).toMatchObject({ status: "running", data: { version: 2 } });
    const partial = await runOnce(cgroupMountsKind({ files: v2 }), { controllers: ["memory", "blkio"] }, env);
    expect(partial.map((o) => o.detail)).toEqual(["blkio"]);
    const none = createRecordedHostFiles({ "/proc/mounts": "sysfs /sys sysfs rw 0 0\n" });
    expect((await runOnce(cgroupMountsKind({ files: none }), {}, env))[0]?.error).toBe("no cgroup filesystem is mounted");
    expect(parseMounts("a\\040b /mnt/x\\040y ext4 rw 0 0")[0]).toMatchObject({ source: "a b", target: "/mnt/x y" });
  });
});
