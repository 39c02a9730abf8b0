import { isIP } from "node:net";
import { parsePeerAddress } from "../config/peer-address.ts";
import type { NethealthPeer } from "./echo-prober.ts";
import { NETHEALTH_PEERS_MAX } from "./peer-report.ts";

/** What one `--peers` entry may look like; error messages quote it. */
export const STATIC_PEER_FORMS = "name:ip or name:ip:port (IPv6 in brackets: name:[fd00::1]:7580)";

/**
 * `--peers` entries (each may hold several, comma-separated) to peers. Every entry names its
 * node, as the agent's gossip does, so the overlay check can compare the two networks per
 * node; the address is an IP literal (the pod network has no names to resolve). Entries naming
 * `self` are left out, so one list serves every node. Returns the peers, or a message quoting
 * the first bad entry.
 */
export function parseStaticPeers(values: readonly string[], defaultPort: number, self: string): NethealthPeer[] | string {
  const entries = values.flatMap((v) => v.split(",")).map((e) => e.trim()).filter((e) => e !== "");
  if (entries.length > NETHEALTH_PEERS_MAX) return `${entries.length} peers given; at most ${NETHEALTH_PEERS_MAX}`;
  const peers: NethealthPeer[] = [];
  const names = new Set<string>();
  for (const entry of entries) {
    const parsed = parsePeerAddress(entry, defaultPort);
    if (typeof parsed === "string") return `${parsed.replace(/; expected .*$/, "")}; expected ${STATIC_PEER_FORMS}`;
    if (parsed.name === undefined) return `"${entry}" has no node name; expected ${STATIC_PEER_FORMS}`;
    if (isIP(parsed.host) === 0) return `"${entry}" has "${parsed.host}" for an address, which is not an IP address; expected ${STATIC_PEER_FORMS}`;
    if (names.has(parsed.name)) return `node "${parsed.name}" is given twice`;
    names.add(parsed.name);
    if (parsed.name !== self) peers.push({ name: parsed.name, ip: parsed.host, port: parsed.port });
  }
  return peers;
}
