import { ipVersion } from "../platform/ip-literal.ts";

/** A peer to join: its gossip address, and the node name when the entry gave one (the original's `name:addr`). */
export interface PeerAddress {
  name?: string;
  host: string;
  port: number;
}

/** What every entry may look like; error messages quote it. */
export const PEER_ADDRESS_FORMS = "host, host:port, [ipv6]:port, name:host or name:host:port";

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const NODE_NAME = /^[^\s[\]:]{1,253}$/;
const BRACKETED = /^(?:([^[\]]*):)?\[([^\]]*)\](?::([^:]*))?$/;

/**
 * One grammar for every `--initial-cluster` entry, the original agent's `name:addr` pairs
 * included: `host`, `host:port`, `[ipv6]:port`, `name:host`, `name:host:port` (and `name:[ipv6]`,
 * `name:[ipv6]:port`). The part after the last colon is a port when it is a number (digits
 * only); otherwise it is the host and what comes before it the name. IPv6 addresses go in
 * brackets; a whole entry that is an IPv6 literal is a host without a port. `defaultPort`
 * stands in for a missing port. Returns the address, or a message that quotes the entry and
 * says what is wrong.
 */
export function parsePeerAddress(text: string, defaultPort: number): PeerAddress | string {
  const entry = text.trim();
  const quoted = `"${entry.length > 80 ? `${entry.slice(0, 80)}...` : entry}"`;
  const bad = (what: string): string => `${quoted} ${what}; expected ${PEER_ADDRESS_FORMS}`;
  if (entry === "") return `an empty entry; expected ${PEER_ADDRESS_FORMS}`;
  if (/[\s\u0000-\u001f\u007f]/.test(entry)) return bad("has spaces or control characters");
  if (ipVersion(entry) === 6) return { host: entry, port: defaultPort };

  let name: string | undefined;
  let host: string;
  let portText: string | undefined;
  if (entry.includes("[") || entry.includes("]")) {
    const m = BRACKETED.exec(entry);
    if (!m) return bad("has brackets that do not enclose the host (an IPv6 address: [fe80::1]:7946)");
    [, name, host = "", portText] = m;
    if (ipVersion(host) !== 6) return bad(`has brackets around "${host}", which is not an IPv6 address`);
  } else {
    const parts = entry.split(":");
    if (parts.length > 3) return bad("has too many colons (an IPv6 address goes in brackets: [fe80::1]:7946)");
    const last = parts.at(-1) as string;
    if (parts.length === 3) {
      if (!/^\d+$/.test(last)) return bad(`has "${last}" after the last colon, which is not a port`);
      [name, host = "", portText] = parts;
    } else if (parts.length === 2 && /^\d+$/.test(last)) {
      [host = "", portText] = parts;
    } else if (parts.length === 2) {
      [name, host = ""] = parts;
    } else {
      host = entry;
    }
    if (host === "") return bad("has no host");
    if (ipVersion(host) === 0 && (!HOST_NAME.test(host) || /^[\d.]+$/.test(host))) return bad(`has "${host}" for a host, which is neither an IP address nor a DNS name`);
  }
  if (name !== undefined && !NODE_NAME.test(name)) return bad(name === "" ? "has an empty node name before the colon" : `has "${name}" for a node name`);
  let port = defaultPort;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
    if (!(port >= 1 && port <= 65535)) return bad(`has a bad port "${portText}" (1-65535)`);
  }
  return name === undefined ? { host, port } : { name, host, port };
}
