import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";

export type DnsType = "A" | "AAAA" | "NS";
const TYPE_CODES: Record<DnsType, number> = { A: 1, NS: 2, AAAA: 28 };
const RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"];

export interface DnsRecord {
  type: DnsType | "other";
  ttl: number;
  /** Address for A/AAAA, host name for NS. */
  data: string;
}

export interface DnsReply {
  rcode: number;
  rcodeName: string;
  answers: DnsRecord[];
}

/** Asks one DNS server one question over UDP. Rejects on socket errors, malformed replies or abort. */
export interface DnsClient {
  query(server: { host: string; port: number }, name: string, type: DnsType, signal: AbortSignal): Promise<DnsReply>;
}

export function encodeQuery(id: number, name: string, type: DnsType): Uint8Array {
  const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
  const parts: number[] = [id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
  for (const label of labels) {
    const bytes = new TextEncoder().encode(label);
    if (bytes.length > 63) throw new Error(`DNS label "${label}" is longer than 63 bytes`);
    parts.push(bytes.length, ...bytes);
  }
  parts.push(0, 0, TYPE_CODES[type], 0, 1);
  return new Uint8Array(parts);
}

/** Reads a possibly compressed name at `offset`; returns the name and the offset after it. */
function readName(buf: Uint8Array, offset: number): [string, number] {
  const labels: string[] = [];
  let at = offset;
  let end = -1;
  for (let jumps = 0; jumps < 64; jumps++) {
    const len = buf[at];
    if (len === undefined) throw new Error("DNS reply truncated inside a name");
    if (len === 0) return [labels.join(".") + ".", end >= 0 ? end : at + 1];
    if ((len & 0xc0) === 0xc0) {
      const next = buf[at + 1];
      if (next === undefined) throw new Error("DNS reply truncated inside a pointer");
      if (end < 0) end = at + 2;
      at = ((len & 0x3f) << 8) | next;
      continue;
    }
    labels.push(new TextDecoder().decode(buf.subarray(at + 1, at + 1 + len)));
    at += 1 + len;
  }
  throw new Error("DNS name has too many compression pointers");
}

export function decodeReply(buf: Uint8Array, expectedId: number): DnsReply {
  if (buf.length < 12) throw new Error("DNS reply shorter than its header");
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint16(0) !== expectedId) throw new Error("DNS reply for another query");
  const flags = view.getUint16(2);
  if ((flags & 0x8000) === 0) throw new Error("DNS packet is not a reply");
  const rcode = flags & 0x0f;
  const qd = view.getUint16(4);
  const an = view.getUint16(6);
  let at = 12;
  for (let i = 0; i < qd; i++) at = readName(buf, at)[1] + 4;
  const answers: DnsRecord[] = [];
  for (let i = 0; i < an && i < 100; i++) {
    const [, afterName] = readName(buf, at);
    if (afterName + 10 > buf.length) throw new Error("DNS reply truncated inside a record");
    const type = view.getUint16(afterName);
    const ttl = view.getUint32(afterName + 4);
    const len = view.getUint16(afterName + 8);
    const rdata = afterName + 10;
    if (rdata + len > buf.length) throw new Error("DNS reply truncated inside record data");
    if (type === 1 && len === 4) answers.push({ type: "A", ttl, data: [...buf.subarray(rdata, rdata + 4)].join(".") });
    else if (type === 28 && len === 16) {
      const groups: string[] = [];
      for (let g = 0; g < 8; g++) groups.push(view.getUint16(rdata + g * 2).toString(16));
      answers.push({ type: "AAAA", ttl, data: groups.join(":") });
    } else if (type === 2) answers.push({ type: "NS", ttl, data: readName(buf, rdata)[0] });
    else answers.push({ type: "other", ttl, data: `type ${type}` });
    at = rdata + len;
  }
  return { rcode, rcodeName: RCODES[rcode] ?? `RCODE${rcode}`, answers };
}

let nextId = 0x2a2a;

/** DNS over UDP with node:dgram; one socket per query, closed when the query ends. */
export const udpDnsClient: DnsClient = {
  query(server, name, type, signal) {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      nextId = (nextId + 1) & 0xffff;
      const id = nextId;
      let packet: Uint8Array;
      try {
        packet = encodeQuery(id, name, type);
      } catch (error) {
        reject(error);
        return;
      }
      const socket = createSocket(isIPv6(server.host) ? "udp6" : "udp4");
      let done = false;
      const finish = (error: unknown, reply?: DnsReply): void => {
        if (done) return;
        done = true;
        signal.removeEventListener("abort", onAbort);
        socket.close();
        if (reply) resolve(reply);
        else reject(error);
      };
      const onAbort = (): void => finish(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      socket.on("error", (error) => finish(error));
      socket.on("message", (message) => {
        try {
          finish(undefined, decodeReply(new Uint8Array(message), id));
        } catch (error) {
          if ((error as Error).message !== "DNS reply for another query") finish(error);
        }
      });
      // A connected socket hears ICMP port-unreachable as ECONNREFUSED instead of waiting out the timeout.
      socket.connect(server.port, server.host, () => {
        if (done) return;
        socket.send(packet, (error) => {
          if (error) finish(error);
        });
      });
    });
  },
};
