import type { CollectorKind } from "./collector.ts";

/** Bytes of one /proc/net table read; a host with very many sockets is looked at in this much. */
const TABLE_BYTES_MAX = 4 * 1024 * 1024;
/** Distinct ports listed per protocol at most (the count is exact up to the bytes read). */
export const PORTS_LISTED_MAX = 512;
/** The socket states that mean "accepts": TCP LISTEN, and UDP sockets bound but not connected. */
const LISTENING_STATE = { tcp: "0A", udp: "07" } as const;

/** Local ports of the listening sockets of one /proc/net/{tcp,tcp6,udp,udp6} table. */
export function listeningPortsOf(text: string, protocol: "tcp" | "udp"): Set<number> {
  const ports = new Set<number>();
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (!local || fields[3] !== LISTENING_STATE[protocol]) continue;
    const port = Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
    if (Number.isInteger(port) && port > 0 && port <= 65535) ports.add(port);
  }
  return ports;
}

const listed = (ports: Set<number>): string =>
  [...ports]
    .sort((a, b) => a - b)
    .slice(0, PORTS_LISTED_MAX)
    .join(",");

/** Listening TCP and UDP ports, IPv4 and IPv6 together (kunai's openports, without running netstat). */
export const openPortsCollectorKind: CollectorKind = {
  name: "openports",
  description: "listening ports: tcp.count tcp.ports udp.count udp.ports (ports as \"22,80,443\"), count, from /proc/net/tcp, tcp6, udp, udp6",
  intervalMs: 30_000,
  shape: { count: "number", tcp: { count: "number", ports: "string" }, udp: { count: "number", ports: "string" } },
  create: () => ({
    async collect(host) {
      const read = async (protocol: "tcp" | "udp"): Promise<Set<number>> => {
        const ports = new Set<number>();
        for (const table of [protocol, `${protocol}6`]) {
          const text = await host.facts.readHead(`/proc/net/${table}`, TABLE_BYTES_MAX);
          if (text !== undefined) for (const port of listeningPortsOf(text, protocol)) ports.add(port);
        }
        return ports;
      };
      const tcp = await read("tcp");
      const udp = await read("udp");
      return { count: new Set([...tcp, ...udp]).size, tcp: { count: tcp.size, ports: listed(tcp) }, udp: { count: udp.size, ports: listed(udp) } };
    },
  }),
};
