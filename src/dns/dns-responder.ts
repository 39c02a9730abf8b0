import * as dnsPacket from "dns-packet";
import type { Answer, DecodedPacket, OptAnswer, Packet, Question } from "dns-packet";
import { answerQuestion, type DnsZone } from "./dns-answer.ts";
import type { DnsNode } from "./dns-node.ts";

/** A query larger than this is not a query anybody sends (one question and an OPT record). */
export const QUERY_BYTES_MAX = 1232;
/** Without EDNS a UDP answer is at most 512 bytes (RFC 1035). */
export const UDP_PLAIN_BYTES_MAX = 512;
/** The most a UDP answer carries however large the client says its buffer is (the DNS flag day 2020 size: no fragments). */
export const UDP_EDNS_BYTES_MAX = 1232;
/** A TCP message is at most 65,535 bytes (the 2-byte length prefix). */
export const TCP_BYTES_MAX = 65_535;

export type DnsTransport = "udp" | "tcp";

/** Why a packet got no answer: counted, never logged one by one. */
export type DnsDropReason = "malformed" | "too_large" | "not_query";

/** The answer codes this server sends (BADVERS is extended: 16, carried half in OPT). */
export type DnsResponseCode = "NOERROR" | "FORMERR" | "NXDOMAIN" | "NOTIMP" | "REFUSED" | "BADVERS";
const RCODE_NUMBER: Record<DnsResponseCode, number> = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 };

export type DnsOutcome =
  | { kind: "drop"; reason: DnsDropReason }
  | { kind: "answer"; bytes: Uint8Array; rcode: DnsResponseCode; truncated: boolean };

export interface DnsRequest {
  bytes: Uint8Array;
  transport: DnsTransport;
  /** The nodes to answer from; read only when the question names nodes. */
  nodes: () => readonly DnsNode[];
  zone: DnsZone;
  /** Turns the order of node records (round-robin); any integer. */
  rotation: number;
  /** Send no records, only TC: the rate limiter's "ask again over TCP". */
  truncateAll?: boolean;
}

const FLAG_QR = 0x8000;
const OPCODE_SHIFT = 11;
const HEADER_BYTES = 12;

/**
 * One query in, one answer (or a drop) out: everything a hostile packet could do is decided
 * here, before any record is built. Dropped without an answer: fewer than 12 bytes, more than
 * QUERY_BYTES_MAX, a response (QR set: answering it could loop two servers), a header that
 * does not announce exactly one question and no answers, or bytes that do not decode exactly.
 * Answered with an error: another opcode (NOTIMP), a second OPT (FORMERR), EDNS version > 0
 * (BADVERS), a class other than IN or ANY and zone transfers (REFUSED). The answer never
 * exceeds what the transport allows: 512 bytes over UDP without EDNS, the client's EDNS size
 * up to UDP_EDNS_BYTES_MAX, 65,535 over TCP; what does not fit is cut (additional records
 * first, then answers) and TC is set so the client asks again over TCP.
 */
export function respond(request: DnsRequest): DnsOutcome {
  const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
  if (bytes.length < HEADER_BYTES) return { kind: "drop", reason: "malformed" };
  if (bytes.length > QUERY_BYTES_MAX) return { kind: "drop", reason: "too_large" };
  const id = bytes.readUInt16BE(0);
  const flags = bytes.readUInt16BE(2);
  if ((flags & FLAG_QR) !== 0) return { kind: "drop", reason: "not_query" };
  if (bytes.readUInt16BE(4) !== 1 || bytes.readUInt16BE(6) !== 0 || bytes.readUInt16BE(8) !== 0 || bytes.readUInt16BE(10) > 2) return { kind: "drop", reason: "malformed" };
  const opcode = (flags >> OPCODE_SHIFT) & 0xf;
  const recursionDesired = flags & dnsPacket.RECURSION_DESIRED;
  if (opcode !== 0) return finish({ type: "response", id, flags: (opcode << OPCODE_SHIFT) | recursionDesired | RCODE_NUMBER.NOTIMP }, "NOTIMP", request.transport, undefined);

  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(bytes);
  } catch {
    return { kind: "drop", reason: "malformed" };
  }
  if (dnsPacket.decode.bytes !== bytes.length) return { kind: "drop", reason: "malformed" };
  const question = query.questions?.[0];
  if (question === undefined) return { kind: "drop", reason: "malformed" };
  const opts = (query.additionals ?? []).filter((a): a is OptAnswer => a.type === "OPT");
  const clientOpt = opts[0];
  const base = { type: "response" as const, id, questions: [question] };
  if (opts.length > 1) return finish({ ...base, flags: recursionDesired | RCODE_NUMBER.FORMERR }, "FORMERR", request.transport, undefined);
  if (clientOpt !== undefined && clientOpt.ednsVersion !== 0) return finish({ ...base, flags: recursionDesired }, "BADVERS", request.transport, clientOpt);
  const klass = question.class ?? "IN";
  if ((klass !== "IN" && klass !== "ANY") || isZoneTransfer(question)) return finish({ ...base, flags: recursionDesired | RCODE_NUMBER.REFUSED }, "REFUSED", request.transport, clientOpt);

  const answer = answerQuestion(question, request.nodes(), request.zone, request.rotation);
  const header = (answer.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | recursionDesired | RCODE_NUMBER[answer.rcode];
  return finish({ ...base, flags: header, answers: answer.answers, authorities: answer.authorities, additionals: answer.additionals }, answer.rcode, request.transport, clientOpt, request.truncateAll);
}

function isZoneTransfer(question: Question): boolean {
  return question.type === "AXFR" || question.type === "IXFR";
}

/** Adds our OPT when the client sent one, cuts to the size the transport allows, and encodes. */
function finish(packet: Packet, rcode: DnsResponseCode, transport: DnsTransport, clientOpt: OptAnswer | undefined, truncateAll = false): DnsOutcome {
  const limit = transport === "tcp" ? TCP_BYTES_MAX : clientOpt === undefined ? UDP_PLAIN_BYTES_MAX : Math.max(UDP_PLAIN_BYTES_MAX, Math.min(clientOpt.udpPayloadSize, UDP_EDNS_BYTES_MAX));
  const rcodeNumber = RCODE_NUMBER[rcode];
  const opt: Answer[] =
    clientOpt === undefined ? [] : [{ type: "OPT", name: ".", udpPayloadSize: UDP_EDNS_BYTES_MAX, extendedRcode: rcodeNumber >> 4, ednsVersion: 0, flags: 0, flag_do: false, options: [] }];
  const answers = packet.answers ?? [];
  const authorities = packet.authorities ?? [];
  const build = (answerCount: number, additionals: readonly Answer[], truncated: boolean): Packet => ({
    ...packet,
    flags: ((packet.flags ?? 0) & ~0xf) | (rcodeNumber & 0xf) | (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0),
    answers: answers.slice(0, answerCount),
    authorities: answerCount < answers.length ? [] : authorities,
    additionals: [...additionals, ...opt],
  });
  if (truncateAll) return { kind: "answer", bytes: dnsPacket.encode({ ...build(0, [], true), authorities: [] }), rcode, truncated: true };
  let out = build(answers.length, packet.additionals ?? [], false);
  let truncated = false;
  // Additional records are a courtesy: dropping them needs no TC (RFC 2181, 9).
  if (dnsPacket.encodingLength(out) > limit) out = build(answers.length, [], false);
  if (dnsPacket.encodingLength(out) > limit) {
    truncated = true;
    // The most answers that fit, found by halving: at most 17 encodings for 65,535 records.
    let low = 0;
    let high = answers.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (dnsPacket.encodingLength(build(mid, [], true)) <= limit) low = mid;
      else high = mid - 1;
    }
    out = build(low, [], true);
  }
  return { kind: "answer", bytes: dnsPacket.encode(out), rcode, truncated };
}
