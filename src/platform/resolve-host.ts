import { lookup } from "node:dns/promises";
import { ipVersion } from "./ip-literal.ts";

/** An IP literal for `host` (names resolved by the system resolver, IPv4 preferred). */
export async function resolveHost(host: string): Promise<string> {
  if (ipVersion(host)) return host;
  const { address } = await lookup(host, { family: 0, order: "ipv4first" });
  return address;
}

/** A name with more addresses than this (a misconfigured or hostile DNS answer) is cut to the first ones. */
export const HOST_ADDRESSES_MAX = 64;

export type LookupAll = (host: string) => Promise<{ address: string }[]>;

const systemLookupAll: LookupAll = (host) => lookup(host, { all: true, family: 0, order: "ipv4first" });

/**
 * Every address `host` resolves to, A and AAAA records (IPv4 first), duplicates dropped, at
 * most HOST_ADDRESSES_MAX: a seed given by name (a headless Service, a round-robin record) is
 * tried at each, as memberlist does. An IP literal is itself; rejects when nothing resolves.
 */
export async function resolveHostAll(host: string, lookupAll: LookupAll = systemLookupAll): Promise<string[]> {
  if (ipVersion(host)) return [host];
  const seen = new Set<string>();
  for (const { address } of await lookupAll(host)) {
    if (ipVersion(address)) seen.add(address);
    if (seen.size >= HOST_ADDRESSES_MAX) break;
  }
  if (seen.size === 0) throw new Error(`${host} resolved to no address`);
  return [...seen];
}
