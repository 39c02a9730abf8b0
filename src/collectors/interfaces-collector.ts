import type { ValueTree } from "./collected-values.ts";
import { type CollectorKind, requiredText } from "./collector.ts";
import { numericFields, ratePerSecond } from "./counter-rate.ts";

/** Interfaces reported at most (a container host has one veth per container). */
export const INTERFACES_MAX = 256;

interface InterfaceCounters {
  rxBytes: number;
  rxErrors: number;
  rxDrops: number;
  txBytes: number;
  txErrors: number;
  txDrops: number;
}

/** Counters per interface of /proc/net/dev (two header lines, then `name: 16 numbers`). */
export function parseNetDevInterfaces(text: string): Map<string, InterfaceCounters> {
  const out = new Map<string, InterfaceCounters>();
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0 || out.size >= INTERFACES_MAX) continue;
    const name = line.slice(0, colon).trim();
    if (name === "") continue;
    const f = numericFields(line.slice(colon + 1), 0);
    out.set(name, { rxBytes: f[0] ?? 0, rxErrors: f[2] ?? 0, rxDrops: f[3] ?? 0, txBytes: f[8] ?? 0, txErrors: f[10] ?? 0, txDrops: f[11] ?? 0 });
  }
  return out;
}

const RATES = ["rxBytes", "txBytes", "rxErrors", "txErrors", "rxDrops", "txDrops"] as const;

/** Traffic, errors and drops per network interface from /proc/net/dev deltas (kunai's interfaces and networktraffic). */
export const interfacesCollectorKind: CollectorKind = {
  name: "interfaces",
  description: "per network interface: rxBytesPerSecond txBytesPerSecond rxErrorsPerSecond txErrorsPerSecond rxDropsPerSecond txDropsPerSecond, from /proc/net/dev deltas",
  intervalMs: 10_000,
  shape: { "*": Object.fromEntries(RATES.map((r) => [`${r}PerSecond`, "number"])) },
  create() {
    let previous: { atMs: number; interfaces: Map<string, InterfaceCounters> } | undefined;
    return {
      async collect(host, at) {
        const interfaces = parseNetDevInterfaces(await requiredText(host, "/proc/net/dev", 1024 * 1024));
        const values: ValueTree = {};
        if (previous) {
          const elapsedMs = at.monotonicMs - previous.atMs;
          for (const [name, now] of interfaces) {
            const before = previous.interfaces.get(name);
            if (!before || elapsedMs <= 0) continue;
            values[name] = Object.fromEntries(RATES.map((r) => [`${r}PerSecond`, ratePerSecond(now[r], before[r], elapsedMs)]));
          }
        }
        previous = { atMs: at.monotonicMs, interfaces };
        return values;
      },
    };
  },
};
