import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/** An IP literal for `host` (names resolved by the system resolver, IPv4 preferred). */
export async function resolveHost(host: string): Promise<string> {
  if (isIP(host)) return host;
  const { address } = await lookup(host, { family: 0, order: "ipv4first" });
  return address;
}
