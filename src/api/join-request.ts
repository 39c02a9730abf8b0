import { isIP } from "node:net";
import type { Parsed } from "./json-body.ts";

/** Each address costs a resolve and a TCP push/pull: a request may name this many at most. */
export const JOIN_ADDRESSES_MAX = 64;

/** Longest host:port: a 253-character name, a colon and five digits (plus IPv6 brackets). */
const ADDRESS_CHARS_MAX = 261;

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export interface JoinRequest {
  /** host:port of peers' gossip ports; a bare host gets 7946. */
  addresses: string[];
}

const SHAPE = 'the body is {"addresses": ["host:port", ...]}';

/** Validates the body of POST /join: 1 to JOIN_ADDRESSES_MAX addresses, each a host and a port 1-65535. */
export function parseJoinRequest(value: unknown): Parsed<JoinRequest> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: `body must be a JSON object: ${SHAPE}` };
  const unknownKeys = Object.keys(value).filter((key) => key !== "addresses");
  if (unknownKeys.length > 0) return { ok: false, error: `unknown key "${unknownKeys[0]?.slice(0, 64)}": ${SHAPE}` };
  const addresses = (value as { addresses?: unknown }).addresses;
  if (!Array.isArray(addresses) || addresses.length === 0) return { ok: false, error: `addresses must be a non-empty list: ${SHAPE}` };
  if (addresses.length > JOIN_ADDRESSES_MAX) {
    return { ok: false, error: `${addresses.length} addresses is more than the ${JOIN_ADDRESSES_MAX} one join may name`, hint: "one reachable peer is enough to join a cluster; name a few" };
  }
  for (const [index, address] of addresses.entries()) {
    const problem = typeof address === "string" ? gossipAddressProblem(address) : `is not a string`;
    if (problem !== undefined) {
      const shown = typeof address === "string" ? `"${address.slice(0, 80)}"` : JSON.stringify(address)?.slice(0, 80);
      return { ok: false, error: `addresses[${index}] ${shown} ${problem}`, hint: "use host:port of a peer's gossip port, e.g. 10.0.0.5:7946" };
    }
  }
  return { ok: true, value: { addresses: addresses as string[] } };
}

/**
 * Why `text` is not host[:port] with a port 1-65535, or undefined when it is. Accepts what
 * config/addresses.ts parseHostPort reads: host:port, [v6]:port, a bare host or IPv6 literal.
 */
export function gossipAddressProblem(text: string): string | undefined {
  if (text.length > ADDRESS_CHARS_MAX) return `is longer than ${ADDRESS_CHARS_MAX} characters`;
  if (!/^[\x21-\x7e]+$/.test(text)) return "has spaces or characters that are not printable ASCII";
  const bracketed = text.match(/^\[([^\]]*)\](?::(.*))?$/);
  let host: string;
  let portText: string | undefined;
  if (bracketed) [, host = "", portText] = bracketed;
  else if (isIP(text) === 6) host = text;
  else {
    const colon = text.lastIndexOf(":");
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
  }
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) return "has a bad port; expected 1-65535";
  }
  if (bracketed) return isIP(host) === 6 ? undefined : "has brackets around something that is not an IPv6 address";
  if (isIP(host) !== 0) return undefined;
  if (HOSTNAME.test(host) && !/^[\d.]+$/.test(host)) return undefined;
  return "has a host that is neither an IP address nor a DNS name";
}
