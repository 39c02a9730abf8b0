/**
 * Each agent gossips the port of its HTTP API in the tag `sat-api`, so any node can point
 * clients at another node's API (the DNS interface's `_api._tcp` SRV records). Only the port:
 * the address is the member's gossip IP, which every node already knows.
 */
export const API_PORT_TAG = "sat-api";

/** The tag for `port`, or none for port 0 (not known before listening). */
export function apiPortTags(port: number): Record<string, string> {
  return Number.isInteger(port) && port > 0 && port <= 65_535 ? { [API_PORT_TAG]: String(port) } : {};
}

/** The API port a member gossips, or undefined when it sends none or something that is not a port. */
export function apiPortOf(tags: Readonly<Record<string, string>>): number | undefined {
  const text = tags[API_PORT_TAG];
  if (text === undefined || !/^[1-9][0-9]{0,4}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65_535 ? port : undefined;
}

/** Tags without `sat-api`: what the operator set. */
export function withoutApiPortTag(tags: Readonly<Record<string, string>>): Record<string, string> {
  const { [API_PORT_TAG]: _port, ...rest } = tags;
  return rest;
}
