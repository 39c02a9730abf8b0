import type { Answer, Question, SrvAnswer, StringAnswer } from "dns-packet";
import { assertNever } from "../platform/assert-never.ts";
import { isDnsLabel, meaningOf, nodeTargetName, type DnsService } from "./dns-name.ts";
import { ipFamily, selectNodes, type DnsNode } from "./dns-node.ts";

export interface DnsZone {
  /** The domain as lowercase labels (`["satellite"]`). */
  domain: readonly string[];
  /** TTL of node records: short, since health changes within seconds. */
  ttlS: number;
  /** TTL of negative answers (the SOA's minimum), how long a resolver may remember "no such node". */
  negativeTtlS: number;
  /** The SOA serial: the zone changes with every gossip update, so it is only informational. */
  serial: number;
}

export type DnsRcode = "NOERROR" | "NXDOMAIN" | "REFUSED";

/** The sections of one answer, before size limits and EDNS are applied. */
export interface DnsAnswer {
  rcode: DnsRcode;
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

/**
 * Answers one question from the nodes the cluster view shows: pure, so every rule (NXDOMAIN
 * when no node qualifies, NODATA when the name exists without records of the asked type, SOA
 * in the authority section of negative answers) is tested without a socket. `rotation` turns
 * the order of node records round-robin so clients spread over the nodes.
 */
export function answerQuestion(question: Question, nodes: readonly DnsNode[], zone: DnsZone, rotation = 0): DnsAnswer {
  const meaning = meaningOf(question.name, zone.domain);
  // The decoder also yields "ANY" (255) and "UNKNOWN_<n>", which the library's types leave out.
  const type: string = question.type;
  switch (meaning.kind) {
    case "outside":
      return { rcode: "REFUSED", authoritative: false, answers: [], authorities: [], additionals: [] };
    case "unknown":
      return negative("NXDOMAIN", zone);
    case "intermediate":
      return negative("NOERROR", zone);
    case "apex":
      return type === "SOA" || type === "ANY" ? { rcode: "NOERROR", authoritative: true, answers: [soaRecord(zone)], authorities: [], additionals: [] } : negative("NOERROR", zone);
    case "nodes": {
      const selected = selectNodes(nodes, meaning.selector, meaning.includeUnhealthy);
      if (meaning.service === undefined) {
        if (selected.length === 0) return negative("NXDOMAIN", zone);
        const answers = rotate(addressRecords(question.name, selected, type, zone.ttlS), rotation);
        return answers.length === 0 ? negative("NOERROR", zone) : { rcode: "NOERROR", authoritative: true, answers, authorities: [], additionals: [] };
      }
      const service = meaning.service;
      const offering = selected.filter((node) => portOf(node, service) !== undefined && isDnsLabel(node.name));
      if (offering.length === 0) return negative("NXDOMAIN", zone);
      if (type !== "SRV" && type !== "ANY") return negative("NOERROR", zone);
      const ordered = rotate(offering, rotation);
      const answers: Answer[] = ordered.map((node): SrvAnswer => ({
        type: "SRV",
        name: question.name,
        ttl: zone.ttlS,
        data: { priority: 1, weight: 1, port: portOf(node, service) ?? 0, target: nodeTargetName(node.name, zone.domain, meaning.includeUnhealthy) },
      }));
      const additionals = ordered.flatMap((node) => addressRecords(nodeTargetName(node.name, zone.domain, meaning.includeUnhealthy), [node], "ANY", zone.ttlS));
      return { rcode: "NOERROR", authoritative: true, answers, authorities: [], additionals };
    }
    default:
      return assertNever(meaning, "DNS name meaning");
  }
}

function portOf(node: DnsNode, service: DnsService): number | undefined {
  switch (service) {
    case "api":
      return node.apiPort;
    case "gossip-udp":
    case "gossip-tcp":
      return node.gossipPort;
    default:
      return assertNever(service, "DNS service");
  }
}

function addressRecords(owner: string, nodes: readonly DnsNode[], type: string, ttl: number): StringAnswer[] {
  const wantV4 = type === "A" || type === "ANY";
  const wantV6 = type === "AAAA" || type === "ANY";
  const out: StringAnswer[] = [];
  for (const node of nodes) {
    const family = ipFamily(node.ip);
    if (family === 4 && wantV4) out.push({ type: "A", name: owner, ttl, data: node.ip });
    if (family === 6 && wantV6) out.push({ type: "AAAA", name: owner, ttl, data: node.ip });
  }
  return out;
}

function negative(rcode: "NOERROR" | "NXDOMAIN", zone: DnsZone): DnsAnswer {
  return { rcode, authoritative: true, answers: [], authorities: [soaRecord(zone)], additionals: [] };
}

export function soaRecord(zone: DnsZone): Answer {
  const apex = zone.domain.join(".");
  return {
    type: "SOA",
    name: apex,
    ttl: zone.negativeTtlS,
    data: { mname: `ns.${apex}`, rname: `hostmaster.${apex}`, serial: zone.serial, refresh: 3600, retry: 600, expire: 86_400, minimum: zone.negativeTtlS },
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length < 2) return [...items];
  const start = ((by % items.length) + items.length) % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}
