import type { Disk } from "../platform/disk.ts";
import type { HostFiles } from "../platform/host-files.ts";
import { parseMeminfo } from "../collectors/memory-collector.ts";
import { usedPercentOf } from "./disk-space.ts";
import { round2 } from "./_stats.ts";

export const COLLECTORS = ["cpu", "memory", "load", "disk", "network"] as const;
export type CollectorName = (typeof COLLECTORS)[number];

/** Variables each collector provides, for validating rules at load time. */
export const COLLECTOR_VARIABLES: Record<CollectorName, readonly string[]> = {
  cpu: ["cpu.usedPercent", "cpu.iowaitPercent", "cpu.count"],
  memory: ["memory.totalBytes", "memory.availableBytes", "memory.usedPercent", "memory.swapUsedPercent"],
  load: ["load.load1", "load.load5", "load.load15", "load.perCpu1"],
  disk: ["disk.totalBytes", "disk.availableBytes", "disk.usedPercent"],
  network: ["network.rxBytesPerSecond", "network.txBytesPerSecond", "network.rxErrorsPerSecond", "network.txErrorsPerSecond"],
};

interface CpuTimes {
  total: number;
  idle: number;
  iowait: number;
}

export function parseProcStat(text: string): { times: CpuTimes; count: number } | undefined {
  const lines = text.split("\n");
  const cpu = lines.find((l) => l.startsWith("cpu "));
  if (!cpu) return undefined;
  const f = cpu.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest times are already inside user/nice)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const count = lines.filter((l) => /^cpu\d+ /.test(l)).length;
  return { times: { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, iowait }, count: Math.max(1, count) };
}

/** /proc/meminfo in bytes: the memory collector's parser (src/collectors/memory-collector.ts). */
export { parseMeminfo };

interface NetTotals {
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
}

/** Sum over interfaces of /proc/net/dev, loopback left out. */
export function parseNetDev(text: string): NetTotals {
  const totals = { rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0 };
  for (const line of text.split("\n").slice(2)) {
    const [name, rest] = line.split(":");
    if (!rest || !name || name.trim() === "lo") continue;
    const f = rest.trim().split(/\s+/).map(Number);
    totals.rxBytes += f[0] ?? 0;
    totals.rxErrors += f[2] ?? 0;
    totals.txBytes += f[8] ?? 0;
    totals.txErrors += f[10] ?? 0;
  }
  return totals;
}

/**
 * Reads host metrics from /proc. Keeps the previous CPU and network sample so rates cover the
 * time between two runs (the first run reports CPU since boot and network rates of 0).
 */
export class HostCollectors {
  private lastCpu?: CpuTimes;
  private lastNet?: { at: number; totals: NetTotals };

  constructor(
    private readonly files: HostFiles,
    private readonly disk: Disk,
  ) {}

  async collect(which: readonly CollectorName[], diskPath: string, nowMs: number): Promise<Record<string, number>> {
    const vars: Record<string, number> = {};
    const need = new Set(which);
    let cpuCount = 1;
    if (need.has("cpu") || need.has("load")) {
      const stat = parseProcStat(await this.required("/proc/stat"));
      if (!stat) throw new Error("/proc/stat has no cpu line");
      cpuCount = stat.count;
      if (need.has("cpu")) {
        const prev = this.lastCpu ?? { total: 0, idle: 0, iowait: 0 };
        const dt = stat.times.total - prev.total;
        vars["cpu.usedPercent"] = dt > 0 ? round2(((dt - (stat.times.idle - prev.idle)) / dt) * 100) : 0;
        vars["cpu.iowaitPercent"] = dt > 0 ? round2(((stat.times.iowait - prev.iowait) / dt) * 100) : 0;
        vars["cpu.count"] = stat.count;
        this.lastCpu = stat.times;
      }
    }
    if (need.has("memory")) {
      const mem = parseMeminfo(await this.required("/proc/meminfo"));
      const total = mem.get("MemTotal") ?? 0;
      const available = mem.get("MemAvailable") ?? (mem.get("MemFree") ?? 0) + (mem.get("Cached") ?? 0);
      const swapTotal = mem.get("SwapTotal") ?? 0;
      vars["memory.totalBytes"] = total;
      vars["memory.availableBytes"] = available;
      vars["memory.usedPercent"] = total > 0 ? round2(((total - available) / total) * 100) : 0;
      vars["memory.swapUsedPercent"] = swapTotal > 0 ? round2(((swapTotal - (mem.get("SwapFree") ?? 0)) / swapTotal) * 100) : 0;
    }
    if (need.has("load")) {
      const [l1 = 0, l5 = 0, l15 = 0] = (await this.required("/proc/loadavg")).trim().split(/\s+/).map(Number);
      vars["load.load1"] = l1;
      vars["load.load5"] = l5;
      vars["load.load15"] = l15;
      vars["load.perCpu1"] = round2(l1 / cpuCount);
    }
    if (need.has("disk")) {
      const u = await this.disk.usage(diskPath);
      vars["disk.totalBytes"] = u.totalBytes;
      vars["disk.availableBytes"] = u.availableBytes;
      vars["disk.usedPercent"] = usedPercentOf(u.totalBytes, u.freeBytes, u.availableBytes);
    }
    if (need.has("network")) {
      const totals = parseNetDev(await this.required("/proc/net/dev"));
      const prev = this.lastNet;
      const seconds = prev ? (nowMs - prev.at) / 1000 : 0;
      const rate = (now: number, before: number | undefined): number => (prev && seconds > 0 && before !== undefined ? round2(Math.max(0, now - before) / seconds) : 0);
      vars["network.rxBytesPerSecond"] = rate(totals.rxBytes, prev?.totals.rxBytes);
      vars["network.txBytesPerSecond"] = rate(totals.txBytes, prev?.totals.txBytes);
      vars["network.rxErrorsPerSecond"] = rate(totals.rxErrors, prev?.totals.rxErrors);
      vars["network.txErrorsPerSecond"] = rate(totals.txErrors, prev?.totals.txErrors);
      this.lastNet = { at: nowMs, totals };
    }
    return vars;
  }

  private async required(path: string): Promise<string> {
    const text = await this.files.readText(path);
    if (text === undefined) throw new Error(`${path} is missing`);
    return text;
  }
}
