/**
 * What a query name asks for, under the agent's DNS domain (`satellite` by default):
 *
 *   NAME.node.DOMAIN          the node called NAME
 *   ROLE.role.DOMAIN          nodes whose `role` tag is ROLE
 *   VALUE.KEY.tag.DOMAIN      nodes whose tag KEY is VALUE
 *   any.<one of the above>    the same, healthy or not (alive members whose status is not running too)
 *   _api._tcp.<selector>      SRV: the agents' HTTP API port
 *   _gossip._udp.<selector>   SRV: the gossip port (UDP)
 *   _gossip._tcp.<selector>   SRV: the gossip port (TCP)
 *
 * where a selector is one of the first four forms, or nothing (`_api._tcp.DOMAIN`: every node;
 * `_api._tcp.any.DOMAIN`: every alive node). Names are compared without regard to case; a
 * label is 1 to 63 characters of letters, digits, `-` and `_`, so a node name or tag with a dot
 * or another character is not reachable through its own label (role and tag answers still
 * list its address). The label count of each form is fixed, so `any.node.DOMAIN` is the node
 * called `any` and `any.web1.node.DOMAIN` is node `web1` whatever its health.
 */

export type DnsSelector =
  | { kind: "all" }
  | { kind: "node"; name: string }
  | { kind: "role"; role: string }
  | { kind: "tag"; key: string; value: string };

/** The SRV services: which port of each agent the records carry. */
export type DnsService = "api" | "gossip-udp" | "gossip-tcp";

export type DnsNameMeaning =
  /** Not under the domain: this server is not authoritative for it (REFUSED). */
  | { kind: "outside" }
  /** The domain itself: its SOA (and NS) live here. */
  | { kind: "apex" }
  /** A name that exists only because names below it do (`node.DOMAIN`, `KEY.tag.DOMAIN`): no data. */
  | { kind: "intermediate" }
  /** Under the domain but no such name can exist (NXDOMAIN). */
  | { kind: "unknown" }
  | { kind: "nodes"; selector: DnsSelector; includeUnhealthy: boolean; service?: DnsService };

/** A label as this server reads it: letters, digits, `-`, `_`, 1 to 63 characters (compared lowercase). */
const LABEL = /^[a-z0-9_-]{1,63}$/;
/** A domain the operator may configure: dot-separated labels, no leading `_`, 253 characters at most. */
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const SERVICES: Readonly<Record<string, DnsService>> = { "_api._tcp": "api", "_gossip._udp": "gossip-udp", "_gossip._tcp": "gossip-tcp" };
/** Labels a selector takes before its keyword. */
const SELECTOR_LABELS = { node: 1, role: 1, tag: 2 } as const;
const ANY = "any";

/** The configured domain as lowercase labels, or an error saying what is wrong with it. */
export function parseDnsDomain(text: string): string[] | string {
  const name = text.trim().toLowerCase().replace(/\.$/, "");
  if (name === "" || name.length > 253) return `"${text}" is not a DNS domain; use e.g. satellite or satellite.example.com`;
  const labels = name.split(".");
  const bad = labels.find((l) => !DOMAIN_LABEL.test(l));
  if (bad !== undefined) return `"${text}" has the label "${bad}"; a label is 1 to 63 letters, digits and inner hyphens`;
  return labels;
}

/** Whether `text` can be one label of a query name (node names, roles, tag keys and values). */
export function isDnsLabel(text: string): boolean {
  return LABEL.test(text.toLowerCase());
}

/** Reads `name` (as decoded from the question, without the final dot) against `domain` (lowercase labels). */
export function meaningOf(name: string, domain: readonly string[]): DnsNameMeaning {
  const labels = name.toLowerCase().replace(/\.$/, "").split(".");
  if (labels.length < domain.length) return { kind: "outside" };
  const tail = labels.slice(labels.length - domain.length);
  if (tail.some((label, i) => label !== domain[i])) return { kind: "outside" };
  const rest = labels.slice(0, labels.length - domain.length);
  if (rest.length === 0) return { kind: "apex" };
  if (!rest.every((label) => LABEL.test(label))) return { kind: "unknown" };

  let service: DnsService | undefined;
  let body = rest;
  if (rest[0]?.startsWith("_")) {
    service = SERVICES[`${rest[0]}.${rest[1] ?? ""}`];
    if (service === undefined) return rest.length === 1 && (rest[0] === "_tcp" || rest[0] === "_udp") ? { kind: "intermediate" } : { kind: "unknown" };
    body = rest.slice(2);
  }
  return selectorOf(body, service);
}

function selectorOf(body: readonly string[], service: DnsService | undefined): DnsNameMeaning {
  const keyword = body[body.length - 1];
  if (keyword !== "node" && keyword !== "role" && keyword !== "tag") {
    // Every node: only as a service name (`_api._tcp.DOMAIN`, `_api._tcp.any.DOMAIN`).
    if (service === undefined) return { kind: "unknown" };
    if (body.length === 0) return { kind: "nodes", selector: { kind: "all" }, includeUnhealthy: false, service };
    if (body.length === 1 && body[0] === ANY) return { kind: "nodes", selector: { kind: "all" }, includeUnhealthy: true, service };
    return { kind: "unknown" };
  }
  const need = SELECTOR_LABELS[keyword];
  const args = body.slice(0, -1);
  let includeUnhealthy = false;
  let values = args;
  if (args.length === need + 1 && args[0] === ANY) {
    includeUnhealthy = true;
    values = args.slice(1);
  } else if (args.length !== need) {
    // `node.DOMAIN`, `role.DOMAIN`, `tag.DOMAIN`, `KEY.tag.DOMAIN`: names exist below them.
    return args.length < need && service === undefined ? { kind: "intermediate" } : { kind: "unknown" };
  }
  const selector: DnsSelector =
    keyword === "node" ? { kind: "node", name: values[0] ?? "" } : keyword === "role" ? { kind: "role", role: values[0] ?? "" } : { kind: "tag", value: values[0] ?? "", key: values[1] ?? "" };
  return service === undefined ? { kind: "nodes", selector, includeUnhealthy } : { kind: "nodes", selector, includeUnhealthy, service };
}

/** The name a node's SRV target and its address records are found under. */
export function nodeTargetName(nodeName: string, domain: readonly string[], includeUnhealthy: boolean): string {
  return `${includeUnhealthy ? `${ANY}.` : ""}${nodeName.toLowerCase()}.node.${domain.join(".")}`;
}
